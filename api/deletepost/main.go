// Command deletepost is the Lambda behind DELETE /api/posts/{id}: delete the caller's post.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postwrites"
)

func main() { lambdafn.Main(postwrites.DeletePost()) }
