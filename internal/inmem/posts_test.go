package inmem_test

import (
	"testing"

	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
	"github.com/eventboard/eventboard/internal/post/posttest"
)

func TestPostStoreContract(t *testing.T) {
	t.Parallel()
	posttest.RunStoreContract(t, func(t *testing.T) (post.Store, outbox.Store) {
		ob := inmem.NewOutbox()
		return inmem.NewPostStore(ob), ob
	})
}
