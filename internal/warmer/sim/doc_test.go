package sim_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/warmer"
	"github.com/eventboard/eventboard/internal/warmer/sim"
	"github.com/eventboard/eventboard/internal/warmping"
)

// The simulation behind docs/warmer.md: a month of the seed's traffic, run
// without a warmer, with the warmer as serverless.yml deploys it to prod,
// with provisioned concurrency for the same functions, and with other rates
// and concurrencies for comparison. It writes its tables between the
// markers of the page.
//
//	EVENTBOARD_WARMER_DOC=path/to/docs/warmer.md   run and write (make bench)
const (
	docEnv      = "EVENTBOARD_WARMER_DOC"
	seed        = 20261201
	beginMarker = "<!-- simulation:begin -->"
	endMarker   = "<!-- simulation:end -->"
)

// initDuration is the cold start's init in the model: above what the
// bootstraps measure under the runtime interface emulator
// (docs/performance.md), as Lambda adds the sandbox's own start.
const initDuration = 100 * time.Millisecond

func TestWarmerDoc(t *testing.T) {
	path := os.Getenv(docEnv)
	if path == "" {
		t.Skipf("%s is unset; make bench runs this", docEnv)
	}
	m, err := manifest.Load("../../../serverless.yml", manifest.Options{Stage: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	custom, _ := m.Raw["custom"].(map[string]any)
	decl, _ := custom["warmup"].(map[string]any)["targets"].(string)
	targets, err := warmer.ParseTargets(decl)
	if err != nil {
		t.Fatal(err)
	}
	every, err := pipeline.ParseRate(fmt.Sprint(m.Resources["WarmerSchedule"].Properties["ScheduleExpression"]))
	if err != nil {
		t.Fatal(err)
	}
	warmerFn, _ := m.Function("warmer")
	configured := map[string]int{}
	for _, tg := range targets {
		configured[tg.Function] = tg.Concurrency
	}
	ones := map[string]int{}
	for name := range configured {
		ones[name] = 1
	}
	w := func(every time.Duration, targets map[string]int) *sim.Warmer {
		return &sim.Warmer{Every: every, Targets: targets, Hold: warmping.Hold, Delay: 10 * time.Second,
			Spread: 10 * time.Millisecond, MemoryMB: warmerFn.MemorySize}
	}
	modes := []sim.Mode{
		{Name: "no warmer"},
		{Name: "warmer", Warmer: w(every, configured)},
		{Name: "provisioned concurrency", Provisioned: configured},
		{Name: "warmer every 3 min", Warmer: w(3*time.Minute, configured)},
		{Name: "warmer every 10 min", Warmer: w(10*time.Minute, configured)},
		{Name: "warmer, concurrency 1", Warmer: w(every, ones)},
	}
	model := sim.SeedModel(seed, initDuration)
	results := make([]sim.Result, len(modes))
	var wg sync.WaitGroup
	for i, mode := range modes {
		wg.Go(func() { results[i] = sim.Run(model, mode) })
	}
	wg.Wait()

	var b strings.Builder
	fmt.Fprintf(&b, "Seed %d; %s of %d requests over %d functions; warmer %s (%s), hold %v; init %v.\n\n",
		seed, "30 days", model.Requests, len(model.Routes), m.Resources["WarmerSchedule"].Properties["ScheduleExpression"], decl, warmping.Hold, initDuration)
	b.WriteString("| function | requests/month | warmed | cold starts: no warmer | warmer | provisioned | cold rate: no warmer | warmer |\n|---|---|---|---|---|---|---|---|\n")
	none, warm, pc := results[0], results[1], results[2]
	for _, f := range none.Functions {
		wf, pf := warm.Function(f.Function), pc.Function(f.Function)
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %d | %d | %.3f%% | %.3f%% |\n", f.Function, f.Requests, warmed(configured[f.Function]),
			f.ColdStarts, wf.ColdStarts, pf.ColdStarts, 100*f.ColdRate(), 100*wf.ColdRate())
	}
	b.WriteString("\n| run | cold starts of warmed functions | removed | warmer invocations/month | cold pings | cost/month |\n|---|---|---|---|---|---|\n")
	base := coldOf(none, configured)
	for _, r := range results {
		cold, pings := coldOf(r, configured), 0
		for _, f := range r.Functions {
			pings += f.WarmerCold
		}
		cost := r.WarmerCost + r.ProvisionedCost
		fmt.Fprintf(&b, "| %s | %d | %.1f%% | %d | %d | $%.2f |\n", r.Mode, cold, 100*(1-float64(cold)/float64(base)), r.WarmerInvocations, pings, cost)
	}
	t.Logf("\n%s", b.String())

	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(page), beginMarker)
	_, after, ok2 := strings.Cut(rest, endMarker)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the markers %s and %s", path, beginMarker, endMarker)
	}
	out := before + beginMarker + "\n" + b.String() + endMarker + after
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func warmed(n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprint(n)
}

// coldOf counts the user-facing cold starts of the warmed functions.
func coldOf(r sim.Result, warmed map[string]int) int {
	n := 0
	for name := range warmed {
		n += r.Function(name).ColdStarts
	}
	return n
}
