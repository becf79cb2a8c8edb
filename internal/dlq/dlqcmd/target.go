package dlqcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/termsafe"
)

// targetFlags choose what 'eventboard dlq' talks to: the local stack
// (the default), or a stage on AWS.
type targetFlags struct {
	local    bool
	data     string
	endpoint string
	stage    string
	region   string
	service  string
	config   string
	// endpointFile is the file under data where the local stack writes its
	// AWS endpoint.
	endpointFile string
}

func (c Command) registerTarget(t *targetFlags, fs *flag.FlagSet) {
	t.endpointFile = c.EndpointFile
	fs.BoolVar(&t.local, "local", false, "talk to a running 'eventboard local' (the default without --stage)")
	fs.StringVar(&t.data, "data", c.DataDir, "the local stack's data directory (holds "+c.EndpointFile+")")
	fs.StringVar(&t.endpoint, "endpoint", "", "the local stack's AWS endpoint, as it prints it (default: read from --data)")
	fs.StringVar(&t.stage, "stage", "", "talk to this stage on AWS, with the default credential chain")
	fs.StringVar(&t.region, "region", "", "the stage's AWS region (default: the SDK's, from AWS_REGION or the profile; then serverless.yml's)")
	fs.StringVar(&t.service, "service", "eventboard", "the service name: a stage's queues and rules are named SERVICE-STAGE-…")
	fs.StringVar(&t.config, "config", "", "a serverless.yml to cross-check the stage against (default: ./serverless.yml when there is one)")
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

// localStage and localRegion are the stage 'eventboard local' runs
// serverless.yml as and the region its clients claim (kumo checks none).
const (
	localStage  = "local"
	localRegion = "us-east-1"
)

// open finds the stage's DLQs as SQS and EventBridge report them, and
// cross-checks them against serverless.yml when there is one: each
// disagreement is a warning on warn, never an error, since the services
// say what is there to inspect and replay.
func (t targetFlags) open(ctx context.Context, warn io.Writer) (*target, error) {
	if t.local && t.stage != "" {
		return nil, errors.New("dlq: --local and --stage exclude each other")
	}
	if t.endpoint != "" && t.stage != "" {
		return nil, errors.New("dlq: --endpoint is the local stack's; for a stage elsewhere set AWS_ENDPOINT_URL")
	}
	var (
		tg  *target
		cfg aws.Config
		err error
	)
	if t.stage == "" {
		tg, cfg, err = t.openLocal()
	} else {
		tg, cfg, err = t.openStage(ctx)
	}
	if err != nil {
		return nil, err
	}
	stage := dlq.Stage{Service: t.service, Name: tg.stage}
	tg.sqs = sqs.NewFromConfig(cfg)
	tg.topology, err = dlq.Discover(ctx, tg.sqs, eventbridge.NewFromConfig(cfg), stage)
	if err != nil {
		return nil, err
	}
	where := "stage " + tg.stage + " in " + cfg.Region
	if tg.local {
		where = "the local stack (" + aws.ToString(cfg.BaseEndpoint) + ")"
	}
	if len(tg.topology) == 0 {
		return nil, apperr.Errorf(apperr.NotFound, "NO_DLQS", "dlq: found no DLQ of %s: no queue %s* has a RedrivePolicy and no rule %s* on bus %s has a target with a DeadLetterConfig (check --stage, --region, --service and the account your credentials are for)",
			where, stage.Prefix(), stage.Prefix(), stage.Bus())
	}
	t.crossCheck(tg, cfg.Region, where, warn)
	return tg, nil
}

// openStage reads the SDK's default configuration, as the AWS CLI does.
func (t targetFlags) openStage(ctx context.Context) (*target, aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if t.region != "" {
		opts = append(opts, config.WithRegion(t.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, cfg, fmt.Errorf("dlq: AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		if m, _, err := t.manifest(t.stage, ""); err == nil && m != nil {
			cfg.Region = m.Region
		}
	}
	if cfg.Region == "" {
		return nil, cfg, apperr.New(apperr.Invalid, "REGION_REQUIRED", "dlq: no AWS region: give --region, or set AWS_REGION")
	}
	return &target{
		stage: t.stage,
		operator: func(ctx context.Context) (string, error) {
			id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return "", fmt.Errorf("dlq: who is calling (sts:GetCallerIdentity): %w", err)
			}
			return aws.ToString(id.Arn), nil
		},
	}, cfg, nil
}

// openLocal points the clients at the local stack's AWS endpoint: --endpoint,
// or the one it wrote under --data.
func (t targetFlags) openLocal() (*target, aws.Config, error) {
	endpoint := t.endpoint
	if endpoint == "" {
		file := filepath.Join(t.data, t.endpointFile)
		b, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, aws.Config{}, fmt.Errorf("dlq: no %s: is 'eventboard local' running (make run) with --data %s?", file, t.data)
		}
		if err != nil {
			return nil, aws.Config{}, fmt.Errorf("dlq: %w", err)
		}
		endpoint = strings.TrimSpace(string(b))
	}
	cfg := aws.Config{
		Region:       localRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String(endpoint),
	}
	return &target{
		local:   true,
		stage:   localStage,
		dataDir: t.data,
		operator: func(context.Context) (string, error) {
			if u := os.Getenv("USER"); u != "" {
				return u, nil
			}
			if u, err := user.Current(); err == nil {
				return u.Username, nil
			}
			return "unknown", nil
		},
	}, cfg, nil
}

// manifest reads the serverless.yml to cross-check stage against: --config,
// or ./serverless.yml when there is one. It returns nil and no error when
// there is none to read, and the path it read.
func (t targetFlags) manifest(stage, region string) (*manifest.Manifest, string, error) {
	path := t.config
	if path == "" {
		path = "serverless.yml"
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, "", nil
		}
	}
	m, err := manifest.Load(path, manifest.Options{Stage: stage, Region: region})
	return m, path, err
}

// crossCheck warns on w of every way serverless.yml and what the services
// report of tg differ, and when serverless.yml cannot be read.
func (t targetFlags) crossCheck(tg *target, region, where string, w io.Writer) {
	m, path, err := t.manifest(tg.stage, region)
	if m == nil && err == nil {
		return
	}
	var declared dlq.Topology
	if err == nil {
		declared, err = dlq.FromManifest(m)
	}
	if err != nil {
		fmt.Fprintf(w, "warning: cannot cross-check %s against %s: %s\n", where, path, termsafe.String(err.Error()))
		return
	}
	diffs := dlq.Disagreements(tg.topology, declared)
	if m.Service != t.service {
		diffs = append(diffs, fmt.Sprintf("serverless.yml's service is %s, not %s (--service)", m.Service, t.service))
	}
	if len(diffs) == 0 {
		return
	}
	fmt.Fprintf(w, "warning: %s and %s disagree; going by what SQS and EventBridge report:\n", path, where)
	for _, d := range diffs {
		fmt.Fprintf(w, "  %s\n", termsafe.String(d))
	}
}

// defaultAudit is where replays are logged when --audit is not given.
func (t *target) defaultAudit() string {
	if t.local {
		return filepath.Join(t.dataDir, "dlq-audit.jsonl")
	}
	return "eventboard-dlq-audit-" + t.stage + ".jsonl"
}

// openQueue opens the target, as open does, and finds the DLQ ref names
// and its URLs.
func (t targetFlags) openQueue(ctx context.Context, ref string, warn io.Writer) (*target, dlq.Queue, error) {
	tg, err := t.open(ctx, warn)
	if err != nil {
		return nil, dlq.Queue{}, err
	}
	d, err := tg.topology.Find(ref)
	if err != nil {
		return nil, dlq.Queue{}, err
	}
	q, err := dlq.Resolve(ctx, tg.sqs, d)
	return tg, q, err
}
