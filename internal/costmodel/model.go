// Package costmodel prices Eventboard on AWS from what it was measured to
// do: the DynamoDB capacity units and the Lambda duration of each route
// and of the counter worker per event (internal/lambdatest's
// TestMeasureDynamoDBLocal writes them to docs/measurements.json), a
// scenario of traffic (the seed's: 6.3 million requests and 10,000 monthly
// active users a month), and a dated price table. cmd/costmodel writes the
// result to docs/cost.md.
package costmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
)

// Measurement is what one invocation of a route (or the worker, per event)
// was measured to cost; see internal/lambdatest.
type Measurement struct {
	ReadUnits      float64 `json:"readUnits"`
	WriteUnits     float64 `json:"writeUnits"`
	Calls          float64 `json:"dynamodbCalls"`
	InProcessP50ms float64 `json:"inProcessP50ms"`
	InProcessP90ms float64 `json:"inProcessP90ms"`
	RIEP50ms       float64 `json:"riep50ms,omitempty"`
}

// Measurements are the figures of one measuring run.
type Measurements struct {
	Measured string                 `json:"measured"`
	Runs     int                    `json:"runs"`
	Routes   map[string]Measurement `json:"routes"`
	// Notes say which figures, if any, came from another run than
	// Measured's; docs/cost.md prints them under the figures.
	Notes []string `json:"notes,omitempty"`
}

// Keys of Measurements.Routes the model needs besides the routes of the mix.
const (
	WorkerPerEvent = "counterWorker per event, batches of 1"
	SweeperRun     = "outboxSweeper run"
)

// LoadMeasurements reads a measurements file.
func LoadMeasurements(path string) (Measurements, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Measurements{}, fmt.Errorf("costmodel.LoadMeasurements: %w", err)
	}
	var m Measurements
	if err := json.Unmarshal(b, &m); err != nil {
		return Measurements{}, fmt.Errorf("costmodel.LoadMeasurements %s: %w", path, err)
	}
	return m, nil
}

// Share is one route's part of the API requests.
type Share struct {
	Route    string  // a key of Measurements.Routes
	Fraction float64 // of Scenario.Requests
	Emits    string  // the event the route publishes to the bus, if any
	Counted  bool    // whether the counter worker applies that event
}

// Scenario is a month of traffic.
type Scenario struct {
	Name     string
	Requests float64 // API requests a month, the posts and stats routes
	Mix      []Share
	MAU      float64 // monthly active users
	// AuthRequestsPerMAU are the auth routes' requests per active user a
	// month (logins, refreshes, sign-ups), on top of Requests: Lambda and
	// HTTP API only, Cognito's API being free.
	AuthRequestsPerMAU float64
	AuthDurationMs     float64 // one auth route's duration (a Cognito round trip)
	NewUsers           float64 // sign-ups a month (UserConfirmed events)

	MemoryMB     float64 // every function's memory (serverless.yml)
	LogBytes     float64 // CloudWatch log bytes per invocation (platform lines and ours)
	LogRetention float64 // months kept (logRetentionInDays / 30)
	// ArchiveRetention is how many months the event archive keeps what it
	// archives (its RetentionDays / 30): the archive holds that many
	// months of events once the stage has run that long.
	ArchiveRetention float64

	// The front door: page views of the SPA and what each transfers.
	PageViews        float64
	PageBytes        float64 // per page view from CloudFront, after browser caching
	AssetRequests    float64 // CloudFront requests per page view
	APIResponseBytes float64 // mean API response through CloudFront
	OriginMissRatio  float64 // of SPA requests CloudFront fetches from S3

	// Edge is how each route's requests meet CloudFront's caches
	// (SimulateHits): what its Edge share answers costs CloudFront and WAF
	// only; a route absent reaches API Gateway every time.
	Edge map[string]Hits
	// Shielded are the routes whose origin has Origin Shield. It bills
	// each of their GETs that a regional cache does not answer (not the
	// writes: CloudFront sends PUT, POST and DELETE past its caches).
	Shielded map[string]bool
	// Direct are the GET routes whose reads past the caches go to their
	// function's URL, not through API Gateway (serverless.yml's
	// ApiReadsRouting sends the anonymous ones there, and the scenario's
	// reads are anonymous): no HTTP API request, no access log line.
	Direct map[string]bool
	// ViewerFunction are the routes whose cache behaviour runs a
	// viewer-request CloudFront function (ApiReadsRouting) on every
	// request, writes included.
	ViewerFunction map[string]bool
	// AccessLogBytes is the HTTP API's access log line per request that
	// reaches it (provider.logs.httpApi).
	AccessLogBytes float64
	// Alarms are the CloudWatch alarms serverless.yml declares on one
	// metric each; QueryAlarms are those on a Metrics Insights query over
	// every function's metric, billed for each metric the query reads.
	Alarms, QueryAlarms float64
	// Functions are the stage's Lambda functions: each logs ColdStart and
	// WarmupPing by function in the embedded metric format, two custom
	// metrics each. WarmTargets are the functions the warmer pings
	// (custom.warmup.targets), with three metrics each.
	Functions, WarmTargets float64
	// WAFRules are the rules of the web ACL at CloudFront
	// (ApiClientLimits), billed per rule a month.
	WAFRules float64
	// ForwardedBytes is what CloudFront sends the API per request it
	// forwards: the headers (a token, cookies) and a write's body.
	ForwardedBytes float64
	// DeployedMB are the stage's function zips together; the framework's
	// deployment bucket keeps those of the last KeptDeploys deploys.
	DeployedMB, KeptDeploys float64

	StoredGB float64 // DynamoDB data (posts, counters, markers, outbox)
	// IndexWritesPerWrite are the write units a post write adds to the
	// indexes of its transaction's tables (the posts' recency index and the
	// outbox's pending index, each item under 1 KB), which the measured
	// transaction figures leave out.
	IndexWritesPerWrite float64

	SweeperPerMonth float64 // outbox sweeper runs (one a minute)
	WarmerPerMonth  float64 // warmer schedule runs
	WarmedPerRun    float64 // functions the warmer invokes per run
	// SQSIdleReceives are the event source's empty long polls a month:
	// Lambda keeps pollers on the queue whether or not messages come.
	SQSIdleReceives float64
}

// Seed is the seed's scenario: 6.3 million requests and 10,000 monthly
// active users a month, 80% reads (list, get, stats, myinfo), 15% creates,
// 5% updates and deletes.
func Seed() Scenario {
	return Scenario{
		Name:     "the seed's month",
		Requests: 6.3e6,
		Mix: []Share{
			{Route: "GET /api/posts", Fraction: 0.40},
			{Route: "GET /api/posts/{id}", Fraction: 0.34},
			{Route: "GET /api/stats", Fraction: 0.03},
			{Route: "GET /api/myinfo", Fraction: 0.03},
			{Route: "POST /api/posts", Fraction: 0.15, Emits: "PostCreated", Counted: true},
			{Route: "PUT /api/posts/{id}", Fraction: 0.03, Emits: "PostUpdated"},
			{Route: "DELETE /api/posts/{id}", Fraction: 0.02, Emits: "PostDeleted", Counted: true},
		},
		MAU:                 1e4,
		AuthRequestsPerMAU:  24, // a login and a refresh a day or so
		AuthDurationMs:      60,
		NewUsers:            1e3,
		MemoryMB:            256,
		LogBytes:            900,
		LogRetention:        1,
		ArchiveRetention:    3,
		PageViews:           3e5, // 30 visits per active user
		PageBytes:           100e3,
		AssetRequests:       2,
		APIResponseBytes:    4e3,
		OriginMissRatio:     0.01,
		AccessLogBytes:      400,
		Alarms:              7,
		QueryAlarms:         2,  // function errors and throttles, over every function
		Functions:           19, // serverless.yml's functions
		WAFRules:            2,  // ApiClientLimits: per address on /api/auth/ and on /api/posts
		WarmTargets:         7,
		ForwardedBytes:      1500,
		DeployedMB:          59, // 19 zips of about 3.1 MB (docs/performance.md)
		KeptDeploys:         5,  // the framework's default
		StoredGB:            1,
		IndexWritesPerWrite: 2,
		SweeperPerMonth:     60 * 24 * 30,
		WarmerPerMonth:      12 * 24 * 30,         // every 5 minutes
		WarmedPerRun:        18,                   // the pings of custom.warmup.targets (docs/warmer.md)
		SQSIdleReceives:     5 * 3 * 60 * 24 * 30, // 5 pollers, a 20 s long poll each
	}
}

// Scaled is s with its traffic and users multiplied by k; what does not
// grow with traffic (schedules, idle polls) stays.
func (s Scenario) Scaled(k float64) Scenario {
	s.Name = fmt.Sprintf("%g× the seed's month", k)
	s.Requests *= k
	s.MAU *= k
	s.NewUsers *= k
	s.PageViews *= k
	s.StoredGB *= k
	return s
}

// Line is one priced item.
type Line struct {
	Service  string
	Item     string
	Quantity float64
	Unit     string
	USD      float64
	Part     Part
}

// Part is what a line pays for.
type Part int

const (
	// APIBackend serves the API's requests, what the seed's $78 priced:
	// the HTTP API, the functions behind it, their DynamoDB reads and
	// writes; and the Origin Shield in front of them.
	APIBackend Part = iota
	// Pipeline carries the events to the counters: EventBridge, SQS, the
	// counter worker and its writes, the sweeper and the warmer.
	Pipeline
	// Logs are CloudWatch Logs of every function.
	Logs
	// FrontDoor is Cognito, CloudFront, WAF and S3.
	FrontDoor
)

// Parts are the parts in the order docs/cost.md shows them, with their names.
var Parts = []struct {
	Part Part
	Name string
}{
	{APIBackend, "API back end (HTTP API, API functions, their DynamoDB reads and writes, Origin Shield, the reads' routing function)"},
	{Pipeline, "event pipeline (EventBridge, SQS, counter worker and its writes, schedules)"},
	{Logs, "observability (CloudWatch Logs, metrics and alarms, X-Ray traces, the alarm topic's key)"},
	{FrontDoor, "Cognito, CloudFront, WAF and S3"},
}

// Estimate is a month priced.
type Estimate struct {
	Scenario Scenario
	Lines    []Line
}

// Total is the sum of every line, and byPart that of each Part.
func (e Estimate) Total() (total float64, byPart map[Part]float64) {
	byPart = map[Part]float64{}
	for _, l := range e.Lines {
		total += l.USD
		byPart[l.Part] += l.USD
	}
	return total, byPart
}

// ByService sums the lines per service, in the order they first appear.
func (e Estimate) ByService() ([]string, map[string]float64) {
	var order []string
	sums := map[string]float64{}
	for _, l := range e.Lines {
		if _, ok := sums[l.Service]; !ok {
			order = append(order, l.Service)
		}
		sums[l.Service] += l.USD
	}
	return order, sums
}

// Price prices s from m at p. It fails when m lacks a route s needs.
func Price(s Scenario, m Measurements, p Prices) (Estimate, error) {
	need := func(route string) (Measurement, error) {
		r, ok := m.Routes[route]
		if !ok {
			return Measurement{}, fmt.Errorf("costmodel.Price: no measurement of %q", route)
		}
		return r, nil
	}
	gb := s.MemoryMB / 1024
	var (
		lines                        []Line
		invocations, gbSeconds       float64
		reads, writes                float64 // the API's
		workerReads, workerWrites    float64
		published, counted, archived float64
		origin                       float64 // API requests past the edge cache, to API Gateway
		direct                       float64 // and to the functions' URLs
		routed                       float64 // requests a viewer-request function routes
		shield                       float64 // requests Origin Shield bills
		traced                       []float64
	)
	for _, sh := range s.Mix {
		r, err := need(sh.Route)
		if err != nil {
			return Estimate{}, err
		}
		viewed := s.Requests * sh.Fraction
		if s.Shielded[sh.Route] && strings.HasPrefix(sh.Route, "GET ") {
			shield += viewed * (1 - s.Edge[sh.Route].Regional)
		}
		if s.ViewerFunction[sh.Route] {
			routed += viewed
		}
		n := viewed * (1 - s.Edge[sh.Route].Edge) // what reaches the origin
		if s.Direct[sh.Route] && strings.HasPrefix(sh.Route, "GET ") {
			direct += n // the function's URL
		} else {
			origin += n // API Gateway
		}
		traced = append(traced, n)
		invocations += n
		gbSeconds += n * billedSeconds(r.InProcessP90ms) * gb
		reads += n * r.ReadUnits
		writes += n * r.WriteUnits
		if sh.Emits != "" {
			writes += n * s.IndexWritesPerWrite
			published += n
			if sh.Counted {
				counted += n
			}
		}
	}
	authRequests := s.MAU * s.AuthRequestsPerMAU
	invocations += authRequests
	gbSeconds += authRequests * billedSeconds(s.AuthDurationMs) * gb
	published += s.NewUsers
	counted += s.NewUsers
	archived = published

	worker, err := need(WorkerPerEvent)
	if err != nil {
		return Estimate{}, err
	}
	sweeper, err := need(SweeperRun)
	if err != nil {
		return Estimate{}, err
	}
	// At this traffic most batches hold one event: price one invocation
	// and one transaction per event.
	workerInvocations := counted
	workerGBs := counted * billedSeconds(worker.InProcessP90ms) * gb
	workerReads = counted*worker.ReadUnits + s.SweeperPerMonth*sweeper.ReadUnits
	workerWrites = counted * worker.WriteUnits
	sweeperGBs := s.SweeperPerMonth * billedSeconds(sweeper.InProcessP90ms) * gb
	warmed := s.WarmerPerMonth * (1 + s.WarmedPerRun)

	apiRequests := origin + authRequests
	viewerRequests := s.Requests + authRequests
	allInvocations := invocations + workerInvocations + s.SweeperPerMonth + warmed
	add := func(service, item string, qty float64, unit string, usd float64, part Part) {
		lines = append(lines, Line{Service: service, Item: item, Quantity: qty, Unit: unit, USD: usd, Part: part})
	}
	add("API Gateway (HTTP API)", "requests", apiRequests, "requests", apiRequests/1e6*p.HTTPAPIPerMillion, APIBackend)
	add("Lambda (arm64)", "API requests", invocations, "invocations", invocations/1e6*p.LambdaRequestPerMillion, APIBackend)
	add("Lambda (arm64)", fmt.Sprintf("API duration at %g MB", s.MemoryMB), gbSeconds, "GB-s", gbSeconds*p.LambdaArmGBSecond, APIBackend)
	add("Lambda (arm64)", "counter worker", workerInvocations, "invocations", workerInvocations/1e6*p.LambdaRequestPerMillion+workerGBs*p.LambdaArmGBSecond, Pipeline)
	add("Lambda (arm64)", "outbox sweeper and warmer", s.SweeperPerMonth+warmed, "invocations",
		(s.SweeperPerMonth+warmed)/1e6*p.LambdaRequestPerMillion+(sweeperGBs+warmed*0.001*gb)*p.LambdaArmGBSecond, Pipeline)
	add("DynamoDB (on-demand)", "API write request units", writes, "WRU", writes/1e6*p.DynamoDBWritePerMillion, APIBackend)
	add("DynamoDB (on-demand)", "API read request units", reads, "RRU", reads/1e6*p.DynamoDBReadPerMillion, APIBackend)
	add("DynamoDB (on-demand)", "counter worker and sweeper request units", workerWrites+workerReads, "RU",
		workerWrites/1e6*p.DynamoDBWritePerMillion+workerReads/1e6*p.DynamoDBReadPerMillion, Pipeline)
	add("DynamoDB (on-demand)", "storage and point-in-time recovery", s.StoredGB, "GB", s.StoredGB*(p.DynamoDBStorageGBMonth+p.DynamoDBPITRGBMonth), APIBackend)
	add("EventBridge", "events published", published, "events", published/1e6*p.EventBridgeEventsPerMillion, Pipeline)
	archiveGB := archived * 1e3 / 1e9
	add("EventBridge", fmt.Sprintf("archive (processed, then kept %g months)", s.ArchiveRetention), archiveGB, "GB", archiveGB*(p.EventBridgeArchiveGB+s.ArchiveRetention*p.EventBridgeArchiveStoragePerGBMo), Pipeline)
	// Per counted event: the rule's SendMessage, a receive and a delete.
	sqs := 3*counted + s.SQSIdleReceives
	add("SQS", "counter queue requests", sqs, "requests", sqs/1e6*p.SQSPerMillion, Pipeline)
	add("EventBridge Scheduler", "sweeper and warmer", s.SweeperPerMonth+s.WarmerPerMonth, "invocations", (s.SweeperPerMonth+s.WarmerPerMonth)/1e6*p.SchedulerPerMillion, Pipeline)
	logGB := allInvocations * s.LogBytes / 1e9
	add("CloudWatch Logs", "functions' logs, ingestion and storage", logGB, "GB", logGB*(p.CloudWatchLogsIngestPerGB+s.LogRetention*p.CloudWatchLogsStoragePerGBMo), Logs)
	accessGB := apiRequests * s.AccessLogBytes / 1e9
	add("CloudWatch Logs", "HTTP API access logs", accessGB, "GB", accessGB*(p.CloudWatchLogsIngestPerGB+s.LogRetention*p.CloudWatchLogsStoragePerGBMo), Logs)
	add("CloudWatch", "alarms (standard resolution)", s.Alarms, "alarms", s.Alarms*p.CloudWatchAlarmMonth, Logs)
	queried := s.QueryAlarms * s.Functions
	add("CloudWatch", "Metrics Insights alarms (a metric of every function each)", queried, "alarm metrics", queried*p.CloudWatchAlarmMonth, Logs)
	// The functions' EMF lines: ColdStart and WarmupPing by function, the
	// warmer's three metrics by target, the sweeper's OutboxBacklog each
	// minute. RefreshTokenReuse is billed only for the hours it is logged:
	// next to none.
	metrics := 2*s.Functions + 3*s.WarmTargets + 1
	add("CloudWatch", "custom metrics (the functions' embedded metric format)", metrics, "metrics", metrics*p.CloudWatchMetricMonth, Logs)
	// Every function is traced (provider.tracing.lambda). X-Ray's default
	// sampling: the first request each second per function, then 5%.
	traced = append(traced, authRequests, workerInvocations, s.SweeperPerMonth, warmed)
	var traces float64
	for _, n := range traced {
		reservoir := 30 * 24 * 3600.0
		traces += math.Min(n, reservoir) + 0.05*math.Max(0, n-reservoir)
	}
	add("X-Ray", "traces recorded", traces, "traces", traces/1e6*p.XRayTracesPerMillion, Logs)
	add("Cognito (Lite)", "monthly active users", s.MAU, "MAU", Tiered(p.CognitoLiteMAU, s.MAU), FrontDoor)
	// CloudFront bills every viewer request, hit or miss; its fetches from
	// API Gateway cost nothing more.
	cfRequests := viewerRequests + s.PageViews*(1+s.AssetRequests)
	cfGB := (s.PageViews*s.PageBytes + viewerRequests*s.APIResponseBytes) / 1e9
	add("CloudFront", "HTTPS requests", cfRequests, "requests", cfRequests/1e6*p.CloudFrontHTTPSPerMillion, FrontDoor)
	add("CloudFront", "data out", cfGB, "GB", cfGB*p.CloudFrontPerGB, FrontDoor)
	// What CloudFront forwards to the API: every request past its caches.
	toOriginGB := (apiRequests + direct) * s.ForwardedBytes / 1e9
	add("CloudFront", "data to the origin (the API's requests)", toOriginGB, "GB", toOriginGB*p.CloudFrontToOriginPerGB, FrontDoor)
	// SiteRouting runs on every viewer request of the SPA's behaviour.
	spaRequests := s.PageViews * (1 + s.AssetRequests)
	add("CloudFront", "function invocations (the SPA's routing)", spaRequests, "invocations", spaRequests/1e6*p.CloudFrontFunctionsPerMillion, FrontDoor)
	// ApiReadsRouting exists only to send reads past API Gateway: it is
	// billed with the back end, on every request of its behaviours.
	if routed > 0 {
		add("CloudFront", "function invocations (the API reads' routing)", routed, "invocations", routed/1e6*p.CloudFrontFunctionsPerMillion, APIBackend)
	}
	// The shield exists only to spare the API requests: it is billed with
	// the back end it stands in front of.
	add("CloudFront", "Origin Shield requests (the API's reads past the regional caches)", shield, "requests", shield/1e4*p.OriginShieldPer10k, APIBackend)
	// serverless.yml's ApiClientLimits: one web ACL with its rules (the
	// per-address limits on the auth routes and on the posts) inspects
	// every CloudFront request.
	add("AWS WAF", "web ACL and its rules", 1, "web ACL", p.WAFWebACLMonth+s.WAFRules*p.WAFRuleMonth, FrontDoor)
	add("AWS WAF", "requests inspected", cfRequests, "requests", cfRequests/1e6*p.WAFPerMillion, FrontDoor)
	s3Gets := s.PageViews * (1 + s.AssetRequests) * s.OriginMissRatio
	add("S3", "SPA origin fetches and storage", s3Gets, "GETs", s3Gets/1e3*p.S3GetPerThousand+0.01*p.S3StorageGBMonth, FrontDoor)
	// prod's CloudFront standard logs (siteLogs): delivery is free, the
	// bucket stores about 500 bytes a request for 3 months (its lifecycle
	// rule), written in a file per edge location about every 5 minutes.
	siteLogGB := cfRequests * 500 / 1e9
	const logFilesPerMonth = 50 * 12 * 24 * 30 // 50 edge locations, every 5 minutes
	add("S3", "CloudFront standard logs (prod, kept 3 months)", siteLogGB, "GB", 3*siteLogGB*p.S3StorageGBMonth+logFilesPerMonth/1e3*p.S3PutPerThousand, FrontDoor)
	deployGB := s.DeployedMB * s.KeptDeploys / 1e3
	add("S3", fmt.Sprintf("the framework's deployment bucket (the zips of %g deploys)", s.KeptDeploys), deployGB, "GB", deployGB*p.S3StorageGBMonth, FrontDoor)
	add("KMS", "the alarm topic's key", 1, "keys", p.KMSKeyMonth, Logs)
	// Cognito's codes through SES (a stage with sesIdentityArn): a code at
	// sign-up, and about as many again for resends and password resets.
	emails := 2 * s.NewUsers
	add("SES", "Cognito's e-mail (a stage with sesIdentityArn)", emails, "e-mails", emails/1e3*p.SESPerThousand, FrontDoor)
	return Estimate{Scenario: s, Lines: lines}, nil
}

// billedSeconds is a duration as Lambda bills it: rounded up to the
// millisecond.
func billedSeconds(ms float64) float64 { return math.Ceil(ms) / 1000 }
