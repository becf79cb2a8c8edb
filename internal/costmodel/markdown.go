package costmodel

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// SeedBackendUSD is what the seed priced its API back end at a month.
const SeedBackendUSD = 78

// GoalBackendUSD is the API back end's budget a month (issue 21: at most
// this, from the seed's traffic).
const GoalBackendUSD = 12

// WriteMarkdown writes docs/cost.md: base priced in detail, one table per
// service, the totals next to the seed's, and how they grow in growth.
func WriteMarkdown(w io.Writer, m Measurements, p Prices, base Estimate, growth []Estimate, cache *Cache) error {
	var b strings.Builder
	total, parts := base.Total()
	backend := parts[APIBackend]
	s := base.Scenario
	fmt.Fprintf(&b, `# What Eventboard costs on AWS

Written by `+"`make bench`"+` (cmd/costmodel): do not edit by hand. Prices: AWS's
%s on-demand list prices, checked against AWS's public pricing pages on
**%s** (listed under "Prices" below). Beside each price in
internal/costmodel/prices.go are the page it was read from and that page's
date; where AWS's pages draw their rate tables in the browser, the figure
was read from AWS's Price List entries or from dated copies of the page,
named there. Free tiers are left out, except Cognito's 10,000 free monthly
active users, which are part of the Lite plan's price. Capacity and
durations: measured on %s (%d runs of each route,
internal/lambdatest/measure_test.go, docs/measurements.json).

## The scenario

Traffic of %s: %.1f million API requests (%s); %s monthly
active users, each making %.0f auth requests; %s sign-ups; every function
at %.0f MB on arm64; %s page views of the SPA. Each post write also
writes %.0f units to the indexes of its tables (not in the measured
transaction figures), and the counter worker is priced at one event per
batch, as a quiet queue delivers them (batches of ten cost half as much per
event). The durations were measured on a 2-core machine busy with other
work: they are high, and Lambda's share of the bill is small anyway.

## Measured per request

DynamoDB request units as DynamoDB bills them (DynamoDB Local's report, or
the least DynamoDB bills for the call where DynamoDB Local reports less:
absent keys and transactions), and the handler's duration through the
Lambda entry point on DynamoDB Local (p90 is what the model bills), and
under the runtime interface emulator where measured.

| route | share | read units | write units | DynamoDB calls | p50 | p90 | under the RIE (p50) |
|---|---|---|---|---|---|---|---|
`, p.Region, p.Date, m.Measured, m.Runs, s.Name, s.Requests/1e6, mixText(s.Mix), thousands(s.MAU), s.AuthRequestsPerMAU, thousands(s.NewUsers), s.MemoryMB, thousands(s.PageViews), s.IndexWritesPerWrite)
	shares := map[string]float64{}
	for _, sh := range s.Mix {
		shares[sh.Route] = sh.Fraction
	}
	routes := make([]string, 0, len(m.Routes))
	for r := range m.Routes {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		x := m.Routes[r]
		share, rie := "–", "–"
		if f, ok := shares[r]; ok {
			share = fmt.Sprintf("%.0f%%", 100*f)
		}
		if x.RIEP50ms > 0 {
			rie = fmt.Sprintf("%.1f ms", x.RIEP50ms)
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f | %.2f | %.1f | %.1f ms | %.1f ms | %s |\n", r, share, x.ReadUnits, x.WriteUnits, x.Calls, x.InProcessP50ms, x.InProcessP90ms, rie)
	}
	for _, n := range m.Notes {
		fmt.Fprintf(&b, "\n%s\n", n)
	}

	if cache != nil {
		writeCache(&b, base, growth, *cache)
	}
	fmt.Fprintf(&b, "\n## A month, per service\n\n")
	order, sums := base.ByService()
	for _, svc := range order {
		fmt.Fprintf(&b, "### %s: $%.2f\n\n| item | quantity | $ / month |\n|---|---|---|\n", svc, sums[svc])
		for _, l := range base.Lines {
			if l.Service == svc {
				fmt.Fprintf(&b, "| %s | %s %s | %.2f |\n", l.Item, quantity(l.Quantity), l.Unit, l.USD)
			}
		}
		b.WriteString("\n")
	}
	verdict := fmt.Sprintf("under the $%d goal", GoalBackendUSD)
	if backend > GoalBackendUSD {
		verdict = fmt.Sprintf("over the $%d goal by $%.2f", GoalBackendUSD, backend-GoalBackendUSD)
		if cache != nil {
			verdict += ` ("What holds it above the floor" above says why)`
		}
	}
	b.WriteString("## Totals\n\n| | $ / month |\n|---|---|\n")
	for _, pt := range Parts {
		name := pt.Name
		if pt.Part == APIBackend {
			fmt.Fprintf(&b, "| **%s** | **%.2f** |\n| the seed's API back end, for the same traffic | %d |\n", name, parts[pt.Part], SeedBackendUSD)
			continue
		}
		fmt.Fprintf(&b, "| %s | %.2f |\n", name, parts[pt.Part])
	}
	fmt.Fprintf(&b, `| **everything** | **%.2f** |

The API back end is **%s**, and the whole back end (with
the event pipeline and the logs, which the seed did not have) costs
$%.2f, against the seed's $%d for its API alone: the seed assumed 1,000 ms
per request at 128 MB, where these functions run for tens of milliseconds.

## Growth

| traffic |`, total, verdict, parts[APIBackend]+parts[Pipeline]+parts[Logs], SeedBackendUSD)
	for _, pt := range Parts {
		fmt.Fprintf(&b, " %s |", strings.SplitN(pt.Name, " (", 2)[0])
	}
	b.WriteString(" total |\n|---|---|---|---|---|---|\n")
	for _, e := range append([]Estimate{base}, growth...) {
		t, ps := e.Total()
		fmt.Fprintf(&b, "| %s |", e.Scenario.Name)
		for _, pt := range Parts {
			fmt.Fprintf(&b, " %.2f |", ps[pt.Part])
		}
		fmt.Fprintf(&b, " %.2f |\n", t)
	}
	b.WriteString(`
Request-driven lines grow with the traffic; the schedules and the event
source's idle polls do not. Cognito is free up to 10,000 monthly active
users and then the largest line: at 100× it outweighs the back end.
docs/scaling.md says what has to change on the way.
`)
	writeResources(&b)
	writePrices(&b, p)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeResources lists every kind of resource the stack declares and the
// lines that price it (Resources).
func writeResources(b *strings.Builder) {
	b.WriteString(`
## What the stack declares

Every kind of resource in the packaged template, and where the bill above
prices it or why it costs nothing at this use (internal/costmodel's
Resources; the generated-template test fails on a kind it does not name).
Outside the stack: ACM's public certificates are free, and a stage on its
own domain points the name at the distribution from DNS it keeps itself
(docs/deployment.md), a Route 53 hosted zone costing $0.50 a month with
alias queries to CloudFront free (as known on 2026-12-07, not re-read).

| resource | priced as |
|---|---|
`)
	for _, typ := range slices.Sorted(maps.Keys(Resources)) {
		fmt.Fprintf(b, "| %s | %s |\n", typ, Resources[typ])
	}
}

// writePrices lists the unit prices p holds; their sources are beside
// them in prices.go.
func writePrices(b *strings.Builder, p Prices) {
	fmt.Fprintf(b, "\n## Prices\n\n%s, checked on %s.\n\n| service | item | $ |\n|---|---|---|\n", p.Region, p.Date)
	rows := []struct {
		service, item string
		usd           float64
	}{
		{"Lambda", "a million requests", p.LambdaRequestPerMillion},
		{"Lambda", "a GB-second, arm64", p.LambdaArmGBSecond},
		{"API Gateway", "a million HTTP API requests", p.HTTPAPIPerMillion},
		{"DynamoDB", "a million write request units, on-demand", p.DynamoDBWritePerMillion},
		{"DynamoDB", "a million read request units, on-demand", p.DynamoDBReadPerMillion},
		{"DynamoDB", "a GB-month stored", p.DynamoDBStorageGBMonth},
		{"DynamoDB", "a GB-month of point-in-time recovery", p.DynamoDBPITRGBMonth},
		{"EventBridge", "a million custom events", p.EventBridgeEventsPerMillion},
		{"EventBridge", "a GB archived", p.EventBridgeArchiveGB},
		{"EventBridge", "a GB-month kept in the archive", p.EventBridgeArchiveStoragePerGBMo},
		{"SQS", "a million standard requests", p.SQSPerMillion},
		{"EventBridge Scheduler", "a million invocations", p.SchedulerPerMillion},
		{"CloudFront", "a GB out, North America and Europe", p.CloudFrontPerGB},
		{"CloudFront", "a million HTTPS requests", p.CloudFrontHTTPSPerMillion},
		{"CloudFront", "10,000 Origin Shield requests, in the United States", p.OriginShieldPer10k},
		{"CloudFront", "a GB to the origin, North America and Europe", p.CloudFrontToOriginPerGB},
		{"CloudFront", "a million function invocations", p.CloudFrontFunctionsPerMillion},
		{"S3", "a thousand GETs", p.S3GetPerThousand},
		{"S3", "a GB-month, Standard", p.S3StorageGBMonth},
		{"S3", "a thousand PUTs", p.S3PutPerThousand},
		{"KMS", "a customer-managed key a month", p.KMSKeyMonth},
		{"CloudWatch", "a standard-resolution alarm (metric) a month", p.CloudWatchAlarmMonth},
		{"CloudWatch", "a custom metric a month", p.CloudWatchMetricMonth},
		{"X-Ray", "a million traces recorded", p.XRayTracesPerMillion},
		{"SES", "a thousand e-mails", p.SESPerThousand},
		{"CloudWatch Logs", "a GB ingested", p.CloudWatchLogsIngestPerGB},
		{"CloudWatch Logs", "a GB-month stored", p.CloudWatchLogsStoragePerGBMo},
	}
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s |\n", r.service, r.item, strconv.FormatFloat(r.usd, 'f', -1, 64))
	}
	from := 0.0
	for i, t := range p.CognitoLiteMAU {
		band := fmt.Sprintf("past %s", thousands(from))
		if i < len(p.CognitoLiteMAU)-1 {
			band = fmt.Sprintf("%s to %s", thousands(from+1), thousands(t.UpTo))
			from = t.UpTo
		}
		fmt.Fprintf(b, "| Cognito (Lite) | a monthly active user, %s | %s |\n", band, strconv.FormatFloat(t.Rate, 'f', -1, 64))
	}
}

func mixText(mix []Share) string {
	parts := make([]string, 0, len(mix))
	for _, sh := range mix {
		parts = append(parts, fmt.Sprintf("%.0f%% %s", 100*sh.Fraction, sh.Route))
	}
	return strings.Join(parts, ", ")
}

// thousands writes n with thousands separators: 10,000.
func thousands(n float64) string {
	s := fmt.Sprintf("%.0f", n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func quantity(q float64) string {
	switch {
	case q >= 1e6:
		return fmt.Sprintf("%.2f M", q/1e6)
	case q >= 1e3:
		return fmt.Sprintf("%.1f k", q/1e3)
	case q >= 10:
		return fmt.Sprintf("%.0f", q)
	default:
		return fmt.Sprintf("%.3g", q)
	}
}
