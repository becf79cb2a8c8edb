// Command stats is the Lambda behind GET /api/stats: the totals and the
// posts per day, from the Counter table.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/statsapi"
)

func main() { lambdafn.Main(statsapi.GetStats()) }
