package manifest_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/manifest"
)

// ignoreSDKInternals skips the SDK types' unexported serde markers.
var ignoreSDKInternals = cmpopts.IgnoreUnexported(
	dynamodb.CreateTableInput{}, dynamodb.UpdateTimeToLiveInput{},
	types.AttributeDefinition{}, types.KeySchemaElement{}, types.GlobalSecondaryIndex{},
	types.LocalSecondaryIndex{}, types.Projection{}, types.ProvisionedThroughput{},
	types.StreamSpecification{}, types.TimeToLiveSpecification{},
)

func TestPostsTableCreateTableInput(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load(serverlessYML, manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	posts, ok := m.Table("PostsTable")
	if !ok {
		t.Fatal("no PostsTable")
	}
	want := &dynamodb.CreateTableInput{
		TableName:   aws.String("eventboard-test-posts"),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("kind"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("byRecency"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("kind"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("id"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	}
	if diff := cmp.Diff(want, posts.CreateTableInput(), ignoreSDKInternals); diff != "" {
		t.Errorf("CreateTableInput (-want +got):\n%s", diff)
	}
	// Idempotency-Key claims expire.
	if in := posts.UpdateTimeToLiveInput(); in == nil || aws.ToString(in.TimeToLiveSpecification.AttributeName) != "expiresAt" || !aws.ToBool(in.TimeToLiveSpecification.Enabled) {
		t.Errorf("UpdateTimeToLiveInput = %+v, want TTL on expiresAt", in)
	}
	if ix, ok := posts.Index("byRecency"); !ok || ix.ProjectionType != "ALL" {
		t.Errorf("Index(byRecency) = %+v, %v", ix, ok)
	}
}

func TestTableSettings(t *testing.T) {
	t.Parallel()
	m, err := manifest.Parse(doc(`resources:
  Resources:
    Markers:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: markers
        AttributeDefinitions:
          - {AttributeName: pk, AttributeType: S}
          - {AttributeName: sk, AttributeType: N}
          - {AttributeName: lsk, AttributeType: S}
        KeySchema:
          - {AttributeName: pk, KeyType: HASH}
          - {AttributeName: sk, KeyType: RANGE}
        LocalSecondaryIndexes:
          - IndexName: byLsk
            KeySchema:
              - {AttributeName: pk, KeyType: HASH}
              - {AttributeName: lsk, KeyType: RANGE}
            Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [a, b]}
        ProvisionedThroughput: {ReadCapacityUnits: 2, WriteCapacityUnits: 1}
        StreamSpecification: {StreamViewType: NEW_IMAGE}
        TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
    Unnamed:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        TimeToLiveSpecification: {AttributeName: gone, Enabled: false}
`), manifest.Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []manifest.Table{
		{
			LogicalID: "Markers",
			Name:      "markers",
			AttributeDefinitions: []manifest.Attribute{
				{Name: "pk", Type: "S"}, {Name: "sk", Type: "N"}, {Name: "lsk", Type: "S"},
			},
			KeySchema: []manifest.KeyElement{
				{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "sk", KeyType: "RANGE"},
			},
			LocalSecondaryIndexes: []manifest.Index{{
				Name: "byLsk",
				KeySchema: []manifest.KeyElement{
					{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "lsk", KeyType: "RANGE"},
				},
				ProjectionType:   "INCLUDE",
				NonKeyAttributes: []string{"a", "b"},
			}},
			BillingMode:           "PROVISIONED",
			ProvisionedThroughput: &manifest.Throughput{ReadCapacityUnits: 2, WriteCapacityUnits: 1},
			StreamViewType:        "NEW_IMAGE",
			TTLAttribute:          "expiresAt",
		},
		{
			LogicalID:            "Unnamed",
			Name:                 "Unnamed",
			AttributeDefinitions: []manifest.Attribute{{Name: "id", Type: "S"}},
			KeySchema:            []manifest.KeyElement{{AttributeName: "id", KeyType: "HASH"}},
			BillingMode:          "PAY_PER_REQUEST",
		},
	}
	if diff := cmp.Diff(want, m.Tables); diff != "" {
		t.Fatalf("Tables (-want +got):\n%s", diff)
	}

	in := m.Tables[0].CreateTableInput()
	if diff := cmp.Diff(&types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage},
		in.StreamSpecification, ignoreSDKInternals); diff != "" {
		t.Errorf("StreamSpecification (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(2), WriteCapacityUnits: aws.Int64(1)},
		in.ProvisionedThroughput, ignoreSDKInternals); diff != "" {
		t.Errorf("ProvisionedThroughput (-want +got):\n%s", diff)
	}
	wantTTL := &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String("markers"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String("expiresAt"), Enabled: aws.Bool(true),
		},
	}
	if diff := cmp.Diff(wantTTL, m.Tables[0].UpdateTimeToLiveInput(), ignoreSDKInternals); diff != "" {
		t.Errorf("UpdateTimeToLiveInput (-want +got):\n%s", diff)
	}
}

func TestTableErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		props   string // the table's Properties, indented by 8
		wantMsg string
	}{
		{
			name: "key attribute not defined",
			props: `        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: pk, KeyType: HASH}]`,
			wantMsg: `KeySchema: attribute "pk" is not in AttributeDefinitions`,
		},
		{
			name: "attribute defined but unused",
			props: `        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: x, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]`,
			wantMsg: "x is defined but no key uses it",
		},
		{
			name: "provisioned without throughput",
			props: `        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]`,
			wantMsg: "BillingMode PROVISIONED needs ProvisionedThroughput",
		},
		{
			name: "range before hash",
			props: `        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: RANGE}]`,
			wantMsg: `KeySchema[0]: KeyType "RANGE", want HASH`,
		},
		{
			name: "index without projection",
			props: `        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        GlobalSecondaryIndexes:
          - IndexName: ix
            KeySchema: [{AttributeName: id, KeyType: HASH}]`,
			wantMsg: `index ix: ProjectionType ""`,
		},
		{
			name: "key schema is an intrinsic",
			props: `        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: {Ref: Schema}`,
			wantMsg: "KeySchema: is the CloudFormation intrinsic Ref, want a list",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			yaml := "resources:\n  Resources:\n    T:\n      Type: AWS::DynamoDB::Table\n      Properties:\n" + tt.props + "\n"
			_, err := manifest.Parse(doc(yaml), manifest.Options{})
			if err == nil {
				t.Fatal("Parse: no error")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "resources.Resources.T") {
				t.Errorf("Parse error %q does not name resources.Resources.T and %q", err, tt.wantMsg)
			}
		})
	}
}
