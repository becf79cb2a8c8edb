package dynamo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/post/posttest"
)

func TestMembersKumo(t *testing.T)          { t.Parallel(); runMembers(t, kumoClient(t)) }
func TestMembersDynamoDBLocal(t *testing.T) { t.Parallel(); runMembers(t, dynamoDBLocalClient(t)) }

func runMembers(t *testing.T, db *dynamodb.Client) {
	name, _ := newTable(t, db, "UsersTable")
	ob := newOutbox(t, db)
	members, err := dynamo.NewMembers(db, name, ob)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := auth.Member{Sub: "sub-1", Username: "alice", Email: "alice@example.com", ConfirmedAt: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	var got []bool
	for i, mm := range []auth.Member{m, m, {Sub: "sub-1", Username: "impostor", Email: "x@example.com"}} {
		added, err := members.Add(ctx, mm, posttest.Event(fmt.Sprint("confirmed-", i)))
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
		got = append(got, added)
	}
	if diff := cmp.Diff([]bool{true, false, false}, got); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &name, Key: subKey("sub-1")})
	if err != nil || out.Item == nil {
		t.Fatalf("GetItem: %v", err)
	}
	if u := out.Item["username"]; u == nil || attrString(u) != "alice" {
		t.Errorf("a repeated Add overwrote the member: %v", out.Item)
	}
	pending, err := ob.Pending(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(pending) != 1 || pending[0].DetailType != "confirmed-0" {
		t.Errorf("outbox = %+v, %v; want only the first Add's event", pending, err)
	}
}
