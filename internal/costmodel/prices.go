package costmodel

import "math"

// Prices are AWS's on-demand list prices in one region, in US dollars.
// Free tiers are left out: the model prices what a stage costs once its
// account's free tier is spent (the always-free allowances of Lambda,
// SQS, Scheduler, CloudFront and DynamoDB storage would make the 1× total
// smaller still). Cognito's free band is the exception: it is part of the
// Lite plan's price, not an account-wide allowance.
type Prices struct {
	// Date is when the table was checked against AWS's public pricing pages.
	Date   string
	Region string

	LambdaRequestPerMillion float64 // per million invocations
	LambdaArmGBSecond       float64 // per GB-second, arm64, first 7.5 billion GB-s a month
	HTTPAPIPerMillion       float64 // HTTP API requests, first 300 million a month

	DynamoDBWritePerMillion float64 // on-demand write request units
	DynamoDBReadPerMillion  float64 // on-demand read request units
	DynamoDBStorageGBMonth  float64 // Standard table class
	DynamoDBPITRGBMonth     float64 // continuous backups (point-in-time recovery)

	EventBridgeEventsPerMillion      float64 // custom events published (64 KB chunks)
	EventBridgeArchiveGB             float64 // events archived, per GB processed
	EventBridgeArchiveStoragePerGBMo float64 // events kept in the archive, per GB-month
	SQSPerMillion                    float64 // standard queue requests (64 KB chunks)
	SchedulerPerMillion              float64 // EventBridge Scheduler invocations
	CognitoLiteMAU                   []Tier  // monthly active users of a Lite user pool
	CloudFrontPerGB                  float64 // data out, North America and Europe, first 10 TB
	CloudFrontHTTPSPerMillion        float64 // HTTPS requests, North America and Europe
	OriginShieldPer10k               float64 // requests to Origin Shield in the stack's region
	CloudFrontToOriginPerGB          float64 // data from CloudFront to an origin, North America and Europe
	CloudFrontFunctionsPerMillion    float64 // CloudFront Functions invocations
	CloudWatchMetricMonth            float64 // a custom metric, first 10,000
	WAFWebACLMonth                   float64 // an AWS WAF web ACL, per month
	WAFRuleMonth                     float64 // a rule in a web ACL, per month
	WAFPerMillion                    float64 // requests the web ACL inspects
	S3GetPerThousand                 float64 // GET requests (CloudFront's origin fetches)
	S3PutPerThousand                 float64 // PUT requests (CloudFront's standard log files)
	KMSKeyMonth                      float64 // a customer-managed key (the alarm topic's)
	SESPerThousand                   float64 // e-mails sent (Cognito's codes, when a stage names an SES identity)
	S3StorageGBMonth                 float64 // S3 Standard
	CloudWatchAlarmMonth             float64 // a standard-resolution metric alarm, per month
	XRayTracesPerMillion             float64 // traces recorded
	CloudWatchLogsIngestPerGB        float64 // Standard log class
	CloudWatchLogsStoragePerGBMo     float64
}

// Tier is one band of a volume-tiered price: Rate for each unit past the
// previous band's UpTo and up to this one's.
type Tier struct {
	UpTo float64
	Rate float64
}

// Tiered prices n units on tiers, which must ascend in UpTo; units past the
// last band are priced at its rate.
func Tiered(tiers []Tier, n float64) float64 {
	var usd, from float64
	for i, t := range tiers {
		upTo := t.UpTo
		if i == len(tiers)-1 {
			upTo = math.Inf(1)
		}
		if n <= from {
			break
		}
		usd += (math.Min(n, upTo) - from) * t.Rate
		from = upTo
	}
	return usd
}

// USEast1 is the price table the model uses: us-east-1 (N. Virginia),
// checked on the date below against AWS's public pricing pages. Beside
// each price: the page it was read from and the page's date where it shows
// one. AWS's own pricing pages render their rate tables in the browser, so
// their stored text often lacks the figures; where it did, the figure was
// read from AWS's Price List entries or from dated third-party copies of
// the page, named beside it. Re-check before quoting a figure, and update
// the date with it.
var USEast1 = Prices{
	Date:   "2026-12-01",
	Region: "us-east-1",

	// https://aws.amazon.com/lambda/pricing/ (its worked examples, as
	// transcribed on 2026-09-20) and
	// https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html
	// (undated): $0.20 per million requests.
	LambdaRequestPerMillion: 0.20,
	// https://aws.amazon.com/lambda/pricing/ (Arm price table, not in the
	// stored text); https://cloudchipr.com/blog/aws-lambda-pricing
	// ("Ultimate Guide 2024": Arm, first 7.5 billion GB-s, $0.0000133334)
	// and artillery's lib/platform/aws-lambda/prices.js (arm64 base rate,
	// citing the AWS page).
	LambdaArmGBSecond: 0.0000133334,
	// https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html
	// (undated: HTTP APIs, us-east-1, first 300 million $1.00 a million,
	// then $0.90); https://awsforengineers.com/blog/aws-api-gateway-pricing-explained
	// (19 May 2025) agrees. AWS's page: https://aws.amazon.com/api-gateway/pricing/.
	HTTPAPIPerMillion: 1.00,

	// On-demand, after AWS halved on-demand throughput prices in November
	// 2024: https://aws.amazon.com/dynamodb/pricing/on-demand/ (rates not
	// in the stored text); https://airbyte.com/data-engineering-resources/dynamodb-pricing
	// (21 July 2025: $0.625 a million WRU, $0.125 a million RRU, after the
	// November 2024 cut).
	DynamoDBWritePerMillion: 0.625,
	DynamoDBReadPerMillion:  0.125,
	// https://aws.amazon.com/dynamodb/pricing/ (undated: "prices start from
	// $0.25 per GB-month", first 25 GB free).
	DynamoDBStorageGBMonth: 0.25,
	// https://finops.com.py/services/dynamodb/backups (undated: PITR
	// $0.20 per GB-month of table size); the rate is not in the stored text
	// of AWS's page.
	DynamoDBPITRGBMonth: 0.20,

	// https://aws.amazon.com/eventbridge/pricing/ (undated: custom events,
	// each 64 KB chunk one event); https://cloudburn.io/blog/amazon-eventbridge-pricing
	// (13 March 2026: $1.00 a million custom events).
	EventBridgeEventsPerMillion: 1.00,
	// https://cloudburn.io/blog/amazon-eventbridge-pricing (13 March 2026:
	// archive $0.10 per GB processed and $0.023 per GB-month stored).
	EventBridgeArchiveGB:             0.10,
	EventBridgeArchiveStoragePerGBMo: 0.023,
	// https://cloudburn.io/blog/amazon-sqs-pricing (14 March 2026: standard
	// $0.40 a million requests up to 100 billion, first million free);
	// AWS's page: https://aws.amazon.com/sqs/pricing/.
	SQSPerMillion: 0.40,
	// https://cloudburn.io/blog/amazon-eventbridge-pricing (13 March 2026:
	// $1.00 a million invocations after 14 million free a month); AWS's
	// Price List rows for Scheduler (effective 2025-01-01, mirrored at
	// https://huggingface.co/datasets/labofsahil/aws-pricing-dataset) show
	// the same 14 million free band.
	SchedulerPerMillion: 1.00,
	// The Lite plan (serverless.yml's UserPoolTier; new pools default to
	// Essentials at $0.015 an MAU since November 2024):
	// https://aws.amazon.com/cognito/pricing/ (its worked examples, as
	// transcribed on 2026-09-20: 10,000 MAU free, $0.0055, "850,000 MAUs x
	// $0.0046"). The bands past a million ($0.00325, then $0.0025 past ten
	// million) are the user-pool bands Lite kept, seen only on third-party
	// copies, not on AWS's stored page.
	CognitoLiteMAU: []Tier{
		{UpTo: 10_000, Rate: 0},
		{UpTo: 100_000, Rate: 0.0055},
		{UpTo: 1_000_000, Rate: 0.0046},
		{UpTo: 10_000_000, Rate: 0.00325},
		{Rate: 0.0025},
	},
	// https://aws.amazon.com/cloudfront/pricing (undated table: United
	// States, Mexico and Canada, and Europe, first 10 TB $0.085 a GB).
	CloudFrontPerGB: 0.085,
	// AWS's Price List row "$0.0100 per 10,000 HTTPS Requests" (usage type
	// US-Requests-Tier2-HTTPS, effective 2019-12-01), as quoted by public
	// code, some of it checked against https://aws.amazon.com/cloudfront/pricing
	// in 2026.
	CloudFrontHTTPSPerMillion: 1.00,
	// Origin Shield: https://aws.amazon.com/cloudfront/pricing/ ("Origin
	// Shield request pricing", by the shield's region: United States
	// $0.0075 per 10,000 requests), and what it bills:
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/origin-shield.html
	// ("Estimating Origin Shield costs": each request that reaches the
	// shield from a regional edge cache, GET and HEAD whether cached or
	// not; PUT, POST, PATCH, DELETE and OPTIONS go to the origin past it,
	// unbilled). AWS's us-east-1 list price as known on 2026-12-07, not
	// re-read from the page (its rate table is drawn in the browser).
	OriginShieldPer10k: 0.0075,
	// https://aws.amazon.com/cloudfront/pricing/ ("Regional data transfer
	// out to origin", United States, Mexico and Canada, and Europe: $0.020
	// a GB; CloudFront Functions: $0.10 per million invocations). AWS's
	// list prices as known on 2026-12-07, not re-read from the page.
	CloudFrontToOriginPerGB:       0.020,
	CloudFrontFunctionsPerMillion: 0.10,
	// https://c3x.dev/blog/aws-waf-cost-explained/ and
	// https://awsnegotiations.com/waf-pricing-strategy.html (2026: $5 a web
	// ACL and $1 a rule each month, $0.60 per million requests inspected,
	// the same in every region); AWS's page: https://aws.amazon.com/waf/pricing/.
	WAFWebACLMonth: 5.00,
	WAFRuleMonth:   1.00,
	WAFPerMillion:  0.60,
	// https://aws.amazon.com/s3/pricing/ (rates not in the stored text);
	// https://devnotes.tech/understanding-aws-s3-pricing-a-complete-cost-breakdown-with-examples
	// (undated: GET $0.0004 per 1,000, Standard $0.023 per GB-month).
	S3GetPerThousand: 0.0004,
	S3StorageGBMonth: 0.023,
	// https://aws.amazon.com/s3/pricing/ (PUT, COPY, POST, LIST: $0.005 per
	// 1,000, S3 Standard, us-east-1; read 2026-12-06).
	S3PutPerThousand: 0.005,
	// https://aws.amazon.com/kms/pricing/ ($1 a month per customer managed
	// key; its requests, a few per alarm, are within the free 20,000).
	KMSKeyMonth: 1.00,
	// https://aws.amazon.com/ses/pricing/ ($0.10 per 1,000 outbound e-mails).
	SESPerThousand: 0.10,
	// https://c3x.dev/blog/cloudwatch-logs-cost-optimization ("us-east-1,
	// June 2026": Standard ingestion $0.50 a GB, storage $0.03 a GB-month);
	// Lambda's logs are tiered since 1 May 2025 with $0.50 a GB for the
	// first 10 TB (https://www.duckbillgroup.com/?p=9080). AWS's page:
	// https://aws.amazon.com/cloudwatch/pricing/.
	// https://aws.amazon.com/cloudwatch/pricing/ (a standard-resolution
	// alarm $0.10 a month; not re-read here, AWS's long-standing list price).
	// A Metrics Insights query alarm is billed, as known on 2026-12-07 and
	// not re-read, one standard alarm metric for each metric its query
	// reads: the less certain of the two.
	CloudWatchAlarmMonth: 0.10,
	// https://aws.amazon.com/cloudwatch/pricing/ ("Metrics": $0.30 a
	// metric a month for the first 10,000, prorated by the hour a metric
	// is published; the embedded metric format's metrics are custom
	// metrics). AWS's list price as known on 2026-12-07, not re-read.
	CloudWatchMetricMonth: 0.30,
	// https://aws.amazon.com/xray/pricing/ ($5.00 per million traces
	// recorded after the free 100,000; not re-read here, AWS's list price
	// since 2016).
	XRayTracesPerMillion:         5.00,
	CloudWatchLogsIngestPerGB:    0.50,
	CloudWatchLogsStoragePerGBMo: 0.03,
}
