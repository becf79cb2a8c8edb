// Command warmer is the scheduled Lambda that keeps the hot functions'
// execution environments warm with warm-up pings.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/warmer"
)

func main() { lambdafn.Main(warmer.Warmer()) }
