// Command createpost is the Lambda behind POST /api/posts: create a post as the caller.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postwrites"
)

func main() { lambdafn.Main(postwrites.CreatePost()) }
