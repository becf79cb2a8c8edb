// Command updatepost is the Lambda behind PUT /api/posts/{id}: edit the caller's post at the version it was read.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postwrites"
)

func main() { lambdafn.Main(postwrites.UpdatePost()) }
