package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
)

// endpointFile is where 'eventboard local' writes the URL of its AWS
// services, under its data directory.
const endpointFile = "aws-endpoint"

// targetFlags choose what 'eventboard dlq' talks to: the local stack
// (the default), or a stage on AWS.
type targetFlags struct {
	local  bool
	data   string
	stage  string
	region string
	config string
}

func (t *targetFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&t.local, "local", false, "talk to a running 'eventboard local' (the default without --stage)")
	fs.StringVar(&t.data, "data", defaultDataDir, "the local stack's data directory (holds "+endpointFile+")")
	fs.StringVar(&t.stage, "stage", "", "talk to this stage on AWS, with the default credential chain")
	fs.StringVar(&t.region, "region", "", "the AWS region (default: serverless.yml's provider.region)")
	fs.StringVar(&t.config, "config", "serverless.yml", "the serverless.yml that declares the queues")
}

// target is a stage's DLQs and the clients to reach them.
type target struct {
	local    bool
	stage    string
	dataDir  string
	sqs      *sqs.Client
	topology dlq.Topology
	// operator names who runs the command, for the audit log.
	operator func(context.Context) (string, error)
}

func (t targetFlags) open(ctx context.Context) (*target, error) {
	if t.local && t.stage != "" {
		return nil, errors.New("dlq: --local and --stage exclude each other")
	}
	if t.stage == "" {
		return t.openLocal()
	}
	m, err := manifest.Load(t.config, manifest.Options{Stage: t.stage, Region: t.region})
	if err != nil {
		return nil, err
	}
	top, err := dlq.FromManifest(m)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(m.Region))
	if err != nil {
		return nil, fmt.Errorf("dlq: AWS configuration: %w", err)
	}
	return &target{
		stage:    m.Stage,
		sqs:      sqs.NewFromConfig(cfg),
		topology: top,
		operator: func(ctx context.Context) (string, error) {
			id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return "", fmt.Errorf("dlq: who is calling (sts:GetCallerIdentity): %w", err)
			}
			return aws.ToString(id.Arn), nil
		},
	}, nil
}

func (t targetFlags) openLocal() (*target, error) {
	b, err := os.ReadFile(filepath.Join(t.data, endpointFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("dlq: no %s: is 'eventboard local' running (make run) with --data %s?", filepath.Join(t.data, endpointFile), t.data)
	}
	if err != nil {
		return nil, fmt.Errorf("dlq: %w", err)
	}
	m, err := manifest.Load(t.config, manifest.Options{Stage: localStage, Region: emulator.Region})
	if err != nil {
		return nil, err
	}
	top, err := dlq.FromManifest(m)
	if err != nil {
		return nil, err
	}
	return &target{
		local:    true,
		stage:    localStage,
		dataDir:  t.data,
		sqs:      emulator.SQS(strings.TrimSpace(string(b))),
		topology: top,
		operator: func(context.Context) (string, error) {
			if u := os.Getenv("USER"); u != "" {
				return u, nil
			}
			if u, err := user.Current(); err == nil {
				return u.Username, nil
			}
			return "unknown", nil
		},
	}, nil
}

// localStage is the stage 'eventboard local' runs serverless.yml as.
const localStage = "local"

// defaultAudit is where replays are logged when --audit is not given.
func (t *target) defaultAudit() string {
	if t.local {
		return filepath.Join(t.dataDir, "dlq-audit.jsonl")
	}
	return "eventboard-dlq-audit-" + t.stage + ".jsonl"
}

// resolve finds the DLQ ref names and its URLs.
func (t *target) resolve(ctx context.Context, ref string) (dlq.Queue, error) {
	d, err := t.topology.Find(ref)
	if err != nil {
		return dlq.Queue{}, err
	}
	return dlq.Resolve(ctx, t.sqs, d)
}
