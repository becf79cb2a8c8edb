// Command hello is the smallest aws-lambda-go function: the baseline the
// functions' cold starts are measured against (coldstart_test.go).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, map[string]any) (map[string]string, error) {
		return map[string]string{"hello": "world"}, nil
	})
}
