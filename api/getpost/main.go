// Command getpost is the Lambda behind GET /api/posts/{id}: one post.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() { lambdafn.Main(postapi.GetPost()) }
