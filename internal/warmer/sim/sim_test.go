package sim_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/warmer/sim"
)

// small is a month of light traffic, quick to run: a quiet function (a
// request every ~10 minutes) and a busier one.
func small(seed uint64) sim.Model {
	m := sim.SeedModel(seed, 100*time.Millisecond)
	m.Requests = 30 * 6000
	m.Routes = []sim.Route{{"quiet", 0.025, 20 * time.Millisecond}, {"busy", 0.975, 20 * time.Millisecond}}
	return m
}

func simWarmer(every time.Duration, targets map[string]int) *sim.Warmer {
	return &sim.Warmer{Every: every, Targets: targets, Hold: 25 * time.Millisecond, Delay: 10 * time.Second, Spread: 10 * time.Millisecond, MemoryMB: 128}
}

func TestRunIsDeterministic(t *testing.T) {
	t.Parallel()
	mode := sim.Mode{Name: "warmer", Warmer: simWarmer(5*time.Minute, map[string]int{"quiet": 1, "busy": 2})}
	a, b := sim.Run(small(1), mode), sim.Run(small(1), mode)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two runs of one model differ (-first +second):\n%s", diff)
	}
	if c := sim.Run(small(2), mode); cmp.Equal(a, c) {
		t.Error("another seed gave the same month")
	}
}

func TestModesOnTheSameTraffic(t *testing.T) {
	t.Parallel()
	m := small(3)
	none := sim.Run(m, sim.Mode{Name: "none"})
	quiet := none.Function("quiet")
	// A request every ~10 minutes against 5 to 15 idle minutes: many are cold.
	if quiet.ColdRate() < 0.2 {
		t.Errorf("quiet function without a warmer: cold rate %.2f, want most gaps to outlast the idle limit", quiet.ColdRate())
	}

	warm := sim.Run(m, sim.Mode{Name: "warmer", Warmer: simWarmer(4*time.Minute, map[string]int{"quiet": 1})})
	if got := warm.Function("quiet"); got.Requests != quiet.Requests || got.ColdStarts*10 > quiet.ColdStarts {
		t.Errorf("warmer every 4 min: %+v; without %+v: want the same requests and a tenth of the cold starts at most", got, quiet)
	}
	if warm.Function("busy") != none.Function("busy") {
		t.Error("the warmer changed a function it does not warm")
	}
	// Slower than the shortest idle limit, it leaves cold starts behind.
	slow := sim.Run(m, sim.Mode{Name: "slow", Warmer: simWarmer(20*time.Minute, map[string]int{"quiet": 1})})
	if slow.Function("quiet").ColdStarts <= warm.Function("quiet").ColdStarts {
		t.Errorf("a warmer every 20 min did as well as one every 4 min: %d vs %d", slow.Function("quiet").ColdStarts, warm.Function("quiet").ColdStarts)
	}

	pc := sim.Run(m, sim.Mode{Name: "pc", Provisioned: map[string]int{"quiet": 1}})
	if got := pc.Function("quiet").ColdStarts; got > quiet.ColdStarts/20 {
		t.Errorf("provisioned concurrency: %d cold starts of %d", got, quiet.ColdStarts)
	}
	// 1 environment of 256 MB for 30 days.
	if want := 0.25 * 30 * 86400 * sim.PriceProvisionedPerGBs; pc.ProvisionedCost != want {
		t.Errorf("provisioned cost %v, want %v", pc.ProvisionedCost, want)
	}
	// A run and a ping every 4 minutes of the month.
	if runs := 30*24*60/4 - 1; warm.WarmerInvocations != 2*runs || warm.Function("quiet").Pings != runs {
		t.Errorf("warmer invocations = %d, pings %d; want %d runs", warm.WarmerInvocations, warm.Function("quiet").Pings, runs)
	}
}
