package local

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/eventbus"
)

// eventBridgeFaults returns an SDK API option that passes every PutEvents
// call through one eventbus.API made by wrap, so a test can fail calls or
// entries of the clients the functions build for themselves. wrap is called
// once, as it was when it wrapped the one client the functions shared;
// other operations pass untouched.
func eventBridgeFaults(wrap func(eventbus.API) eventbus.API) func(*middleware.Stack) error {
	faulty := wrap(restOfCall{})
	return func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("eventboard.LocalFaults",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				put, ok := in.Parameters.(*eventbridge.PutEventsInput)
				if !ok {
					return next.HandleInitialize(ctx, in)
				}
				rest := &restOfStack{next: next}
				out, err := faulty.PutEvents(context.WithValue(ctx, restKey{}, rest), put)
				return middleware.InitializeOutput{Result: out}, rest.metadata, err
			}), middleware.After)
	}
}

// restKey carries a call's restOfStack to restOfCall.
type restKey struct{}

// restOfCall is the eventbus.API the fault wrapper wraps: it sends each
// PutEvents down the middleware stack of the call it belongs to.
type restOfCall struct{}

func (restOfCall) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	rest, ok := ctx.Value(restKey{}).(*restOfStack)
	if !ok {
		return nil, fmt.Errorf("local faults: PutEvents outside an SDK call")
	}
	return rest.PutEvents(ctx, in, opts...)
}

// restOfStack is the rest of one PutEvents call's middleware stack.
type restOfStack struct {
	next     middleware.InitializeHandler
	metadata middleware.Metadata
}

func (r *restOfStack) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	out, md, err := r.next.HandleInitialize(ctx, middleware.InitializeInput{Parameters: in})
	r.metadata = md
	if err != nil {
		return nil, err
	}
	res, ok := out.Result.(*eventbridge.PutEventsOutput)
	if !ok {
		return nil, fmt.Errorf("local faults: PutEvents returned %T", out.Result)
	}
	return res, nil
}
