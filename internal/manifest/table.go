package manifest

import (
	"fmt"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Table is an AWS::DynamoDB::Table resource: what it takes to create the
// table in an emulator, and the settings a deployment check looks at.
type Table struct {
	LogicalID string
	// Name is TableName; CloudFormation would generate a name when it is
	// absent, the local stack then uses LogicalID.
	Name                   string
	AttributeDefinitions   []Attribute
	KeySchema              []KeyElement
	GlobalSecondaryIndexes []Index
	LocalSecondaryIndexes  []Index
	// BillingMode is PAY_PER_REQUEST or PROVISIONED (CloudFormation's
	// default); ProvisionedThroughput is set for PROVISIONED.
	BillingMode           string
	ProvisionedThroughput *Throughput
	// StreamViewType is the stream's view type; empty without a stream.
	StreamViewType string
	// TTLAttribute is the attribute holding the expiry time; empty when TTL
	// is off.
	TTLAttribute        string
	PointInTimeRecovery bool
	// DeletionPolicy is the resource's DeletionPolicy (Retain, Delete,
	// Snapshot); empty when unset.
	DeletionPolicy string
}

// Attribute is an attribute definition: a key attribute's name and its type
// (S, N or B).
type Attribute struct {
	Name string
	Type string
}

// KeyElement is one element of a key schema; KeyType is HASH or RANGE.
type KeyElement struct {
	AttributeName string
	KeyType       string
}

// Index is a global or local secondary index.
type Index struct {
	Name      string
	KeySchema []KeyElement
	// ProjectionType is ALL, KEYS_ONLY or INCLUDE; NonKeyAttributes go with
	// INCLUDE.
	ProjectionType        string
	NonKeyAttributes      []string
	ProvisionedThroughput *Throughput
}

// Throughput is provisioned capacity.
type Throughput struct {
	ReadCapacityUnits  int64
	WriteCapacityUnits int64
}

// Index returns the global or local secondary index called name.
func (t Table) Index(name string) (Index, bool) {
	for _, ix := range slices.Concat(t.GlobalSecondaryIndexes, t.LocalSecondaryIndexes) {
		if ix.Name == name {
			return ix, true
		}
	}
	return Index{}, false
}

// CreateTableInput returns the request that creates the table, for creating
// it in an emulator. TTL is set by a separate call: see UpdateTimeToLiveInput.
func (t Table) CreateTableInput() *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:             aws.String(t.Name),
		BillingMode:           types.BillingMode(t.BillingMode),
		KeySchema:             keySchema(t.KeySchema),
		ProvisionedThroughput: t.ProvisionedThroughput.sdk(),
	}
	for _, a := range t.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.Name),
			AttributeType: types.ScalarAttributeType(a.Type),
		})
	}
	for _, ix := range t.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:             aws.String(ix.Name),
			KeySchema:             keySchema(ix.KeySchema),
			Projection:            ix.projection(),
			ProvisionedThroughput: ix.ProvisionedThroughput.sdk(),
		})
	}
	for _, ix := range t.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(ix.Name),
			KeySchema:  keySchema(ix.KeySchema),
			Projection: ix.projection(),
		})
	}
	if t.StreamViewType != "" {
		in.StreamSpecification = &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewType(t.StreamViewType),
		}
	}
	return in
}

// UpdateTimeToLiveInput returns the request that turns TTL on, or nil when
// the table has no TTL attribute.
func (t Table) UpdateTimeToLiveInput() *dynamodb.UpdateTimeToLiveInput {
	if t.TTLAttribute == "" {
		return nil
	}
	return &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(t.Name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(t.TTLAttribute),
			Enabled:       aws.Bool(true),
		},
	}
}

func keySchema(ks []KeyElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, types.KeySchemaElement{
			AttributeName: aws.String(k.AttributeName),
			KeyType:       types.KeyType(k.KeyType),
		})
	}
	return out
}

func (ix Index) projection() *types.Projection {
	p := &types.Projection{ProjectionType: types.ProjectionType(ix.ProjectionType)}
	if len(ix.NonKeyAttributes) > 0 {
		p.NonKeyAttributes = slices.Clone(ix.NonKeyAttributes)
	}
	return p
}

func (tp *Throughput) sdk() *types.ProvisionedThroughput {
	if tp == nil {
		return nil
	}
	return &types.ProvisionedThroughput{
		ReadCapacityUnits:  aws.Int64(tp.ReadCapacityUnits),
		WriteCapacityUnits: aws.Int64(tp.WriteCapacityUnits),
	}
}

// buildTables reads every AWS::DynamoDB::Table resource.
func (m *Manifest) buildTables() error {
	m.Tables = []Table{}
	for _, r := range m.Resources {
		if r.Type != "AWS::DynamoDB::Table" {
			continue
		}
		t, err := table(r)
		if err != nil {
			return err
		}
		m.Tables = append(m.Tables, t)
	}
	sort.Slice(m.Tables, func(i, j int) bool { return m.Tables[i].LogicalID < m.Tables[j].LogicalID })
	return nil
}

func table(r Resource) (Table, error) {
	base := "resources.Resources." + r.LogicalID
	p := fields{path: base + ".Properties", m: r.Properties}
	t := Table{LogicalID: r.LogicalID, Name: r.LogicalID, BillingMode: "PROVISIONED"}
	var err error
	if name, ok, err := p.str("TableName"); err != nil {
		return t, err
	} else if ok {
		t.Name = name
	}
	if mode, ok, err := p.str("BillingMode"); err != nil {
		return t, err
	} else if ok {
		t.BillingMode = mode
	}
	if t.DeletionPolicy, _, err = (fields{path: base, m: r.Raw}).str("DeletionPolicy"); err != nil {
		return t, err
	}
	if t.AttributeDefinitions, err = attributes(p); err != nil {
		return t, err
	}
	if t.KeySchema, err = keyElements(p, "KeySchema"); err != nil {
		return t, err
	}
	if t.ProvisionedThroughput, err = throughput(p); err != nil {
		return t, err
	}
	if t.GlobalSecondaryIndexes, err = indexes(p, "GlobalSecondaryIndexes"); err != nil {
		return t, err
	}
	if t.LocalSecondaryIndexes, err = indexes(p, "LocalSecondaryIndexes"); err != nil {
		return t, err
	}
	if spec, _, err := p.mapping("StreamSpecification"); err != nil {
		return t, err
	} else if t.StreamViewType, _, err = spec.str("StreamViewType"); err != nil {
		return t, err
	}
	if spec, _, err := p.mapping("TimeToLiveSpecification"); err != nil {
		return t, err
	} else if on, _, err := spec.bool("Enabled"); err != nil {
		return t, err
	} else if on {
		if t.TTLAttribute, _, err = spec.str("AttributeName"); err != nil {
			return t, err
		}
	}
	if spec, _, err := p.mapping("PointInTimeRecoverySpecification"); err != nil {
		return t, err
	} else if t.PointInTimeRecovery, _, err = spec.bool("PointInTimeRecoveryEnabled"); err != nil {
		return t, err
	}
	if err := t.validate(); err != nil {
		return t, fmt.Errorf("%s: %w", base, err)
	}
	return t, nil
}

func attributes(p fields) ([]Attribute, error) {
	list, _, err := p.list("AttributeDefinitions")
	if err != nil {
		return nil, err
	}
	out := make([]Attribute, 0, len(list))
	for i, item := range list {
		f, err := itemFields(p.at("AttributeDefinitions"), i, item)
		if err != nil {
			return nil, err
		}
		var a Attribute
		if a.Name, _, err = f.str("AttributeName"); err != nil {
			return nil, err
		}
		if a.Type, _, err = f.str("AttributeType"); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func keyElements(p fields, key string) ([]KeyElement, error) {
	list, _, err := p.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]KeyElement, 0, len(list))
	for i, item := range list {
		f, err := itemFields(p.at(key), i, item)
		if err != nil {
			return nil, err
		}
		var k KeyElement
		if k.AttributeName, _, err = f.str("AttributeName"); err != nil {
			return nil, err
		}
		if k.KeyType, _, err = f.str("KeyType"); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func indexes(p fields, key string) ([]Index, error) {
	list, _, err := p.list(key)
	if err != nil {
		return nil, err
	}
	var out []Index
	for i, item := range list {
		f, err := itemFields(p.at(key), i, item)
		if err != nil {
			return nil, err
		}
		var ix Index
		if ix.Name, _, err = f.str("IndexName"); err != nil {
			return nil, err
		}
		if ix.KeySchema, err = keyElements(f, "KeySchema"); err != nil {
			return nil, err
		}
		proj, _, err := f.mapping("Projection")
		if err != nil {
			return nil, err
		}
		if ix.ProjectionType, _, err = proj.str("ProjectionType"); err != nil {
			return nil, err
		}
		if ix.NonKeyAttributes, _, err = proj.strings("NonKeyAttributes"); err != nil {
			return nil, err
		}
		if ix.ProvisionedThroughput, err = throughput(f); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, nil
}

func throughput(p fields) (*Throughput, error) {
	f, ok, err := p.mapping("ProvisionedThroughput")
	if err != nil || !ok {
		return nil, err
	}
	r, _, err := f.int("ReadCapacityUnits")
	if err != nil {
		return nil, err
	}
	w, _, err := f.int("WriteCapacityUnits")
	if err != nil {
		return nil, err
	}
	return &Throughput{ReadCapacityUnits: int64(r), WriteCapacityUnits: int64(w)}, nil
}

func itemFields(path string, i int, item any) (fields, error) {
	m, ok := item.(map[string]any)
	if !ok {
		return fields{}, fmt.Errorf("%s[%d]: is %s, want a mapping", path, i, describe(item))
	}
	return fields{path: fmt.Sprintf("%s[%d]", path, i), m: m}, nil
}

// validate checks what DynamoDB would refuse at creation: a malformed key
// schema, a key attribute without a definition, or a definition no key uses.
func (t Table) validate() error {
	switch t.BillingMode {
	case "PAY_PER_REQUEST":
	case "PROVISIONED":
		if t.ProvisionedThroughput == nil {
			return fmt.Errorf("BillingMode PROVISIONED needs ProvisionedThroughput")
		}
	default:
		return fmt.Errorf("BillingMode %q: want PAY_PER_REQUEST or PROVISIONED", t.BillingMode)
	}
	defined := map[string]bool{}
	for _, a := range t.AttributeDefinitions {
		if a.Name == "" {
			return fmt.Errorf("AttributeDefinitions: an attribute without AttributeName")
		}
		if !slices.Contains([]string{"S", "N", "B"}, a.Type) {
			return fmt.Errorf("AttributeDefinitions: %s has AttributeType %q, want S, N or B", a.Name, a.Type)
		}
		defined[a.Name] = false
	}
	check := func(what string, ks []KeyElement) error {
		if len(ks) == 0 || len(ks) > 2 {
			return fmt.Errorf("%s: want a HASH key and at most one RANGE key", what)
		}
		for i, k := range ks {
			want := "HASH"
			if i == 1 {
				want = "RANGE"
			}
			if k.KeyType != want {
				return fmt.Errorf("%s[%d]: KeyType %q, want %s", what, i, k.KeyType, want)
			}
			if _, ok := defined[k.AttributeName]; !ok {
				return fmt.Errorf("%s: attribute %q is not in AttributeDefinitions", what, k.AttributeName)
			}
			defined[k.AttributeName] = true
		}
		return nil
	}
	if err := check("KeySchema", t.KeySchema); err != nil {
		return err
	}
	for _, ix := range slices.Concat(t.GlobalSecondaryIndexes, t.LocalSecondaryIndexes) {
		what := "index " + ix.Name
		if ix.Name == "" {
			return fmt.Errorf("an index without IndexName")
		}
		if err := check(what+" KeySchema", ix.KeySchema); err != nil {
			return err
		}
		switch ix.ProjectionType {
		case "ALL", "KEYS_ONLY":
			if len(ix.NonKeyAttributes) > 0 {
				return fmt.Errorf("%s: NonKeyAttributes need ProjectionType INCLUDE", what)
			}
		case "INCLUDE":
		default:
			return fmt.Errorf("%s: ProjectionType %q, want ALL, KEYS_ONLY or INCLUDE", what, ix.ProjectionType)
		}
	}
	for _, a := range t.AttributeDefinitions {
		if !defined[a.Name] {
			return fmt.Errorf("AttributeDefinitions: %s is defined but no key uses it", a.Name)
		}
	}
	return nil
}
