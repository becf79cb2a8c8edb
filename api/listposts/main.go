// Command listposts is the Lambda behind GET /api/posts: a newest-first page of posts.
package main

import (
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() { lambdafn.Main(postapi.ListPosts()) }
