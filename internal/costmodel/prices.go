package costmodel

// Prices are AWS's on-demand list prices in one region, in US dollars.
// Free tiers are left out: the model prices what a stage costs once its
// account's free tier is spent (the always-free allowances of Lambda,
// SQS, CloudFront and Cognito would make the 1× total smaller still).
type Prices struct {
	// Date is when the table was taken from AWS's public pricing pages.
	Date   string
	Region string

	LambdaRequestPerMillion float64 // per million invocations
	LambdaArmGBSecond       float64 // per GB-second, arm64
	HTTPAPIPerMillion       float64 // HTTP API requests, first 300 million a month

	DynamoDBWritePerMillion float64 // on-demand write request units
	DynamoDBReadPerMillion  float64 // on-demand read request units
	DynamoDBStorageGBMonth  float64
	DynamoDBPITRGBMonth     float64 // continuous backups (point-in-time recovery)

	EventBridgeEventsPerMillion  float64 // custom events published (64 KB chunks)
	EventBridgeArchiveGB         float64 // events archived, per GB processed
	SQSPerMillion                float64 // standard queue requests (64 KB chunks)
	SchedulerPerMillion          float64 // EventBridge Scheduler invocations
	CognitoLiteMAU               float64 // per monthly active user, Lite tier
	CognitoFreeMAU               float64 // MAUs the user pool does not bill
	CloudFrontPerGB              float64 // data out, North America and Europe, first 10 TB
	CloudFrontHTTPSPerMillion    float64 // HTTPS requests, North America and Europe
	S3GetPerThousand             float64 // GET requests (CloudFront's origin fetches)
	S3StorageGBMonth             float64 // S3 Standard
	CloudWatchLogsIngestPerGB    float64
	CloudWatchLogsStoragePerGBMo float64
}

// USEast1 is the price table the model uses: us-east-1 (N. Virginia), as
// AWS published it on the date below. Re-check it against the pricing
// pages before quoting a figure, and update the date with it.
var USEast1 = Prices{
	Date:   "2025-11-01",
	Region: "us-east-1",

	LambdaRequestPerMillion: 0.20,
	LambdaArmGBSecond:       0.0000133334,
	HTTPAPIPerMillion:       1.00,

	// On-demand, after the November 2024 price cut.
	DynamoDBWritePerMillion: 0.625,
	DynamoDBReadPerMillion:  0.125,
	DynamoDBStorageGBMonth:  0.25,
	DynamoDBPITRGBMonth:     0.20,

	EventBridgeEventsPerMillion:  1.00,
	EventBridgeArchiveGB:         0.10,
	SQSPerMillion:                0.40,
	SchedulerPerMillion:          1.00,
	CognitoLiteMAU:               0.0055,
	CognitoFreeMAU:               10000,
	CloudFrontPerGB:              0.085,
	CloudFrontHTTPSPerMillion:    1.00,
	S3GetPerThousand:             0.0004,
	S3StorageGBMonth:             0.023,
	CloudWatchLogsIngestPerGB:    0.50,
	CloudWatchLogsStoragePerGBMo: 0.03,
}
