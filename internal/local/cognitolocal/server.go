package cognitolocal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

// Defaults of Config, Cognito's own where Cognito has one.
const (
	defaultRegion          = "us-east-1"
	defaultTokenTTL        = time.Hour
	defaultRefreshTokenTTL = 30 * 24 * time.Hour
	defaultCodeTTL         = 24 * time.Hour
	// defaultResetCodeTTL is how long a password reset code is valid:
	// Cognito's are valid for one hour.
	defaultResetCodeTTL   = time.Hour
	defaultTriggerTimeout = 5 * time.Second
	// temporaryPasswordTTL is how long an AdminCreateUser password is valid,
	// Cognito's default of 7 days.
	temporaryPasswordTTL = 7 * 24 * time.Hour
	// challengeSessionTTL is how long a challenge Session is valid; Cognito's
	// default is 3 minutes.
	challengeSessionTTL = 3 * time.Minute
)

// Config configures a [Server]: one user pool with one app client.
type Config struct {
	// DataDir is where the state is kept, in DataDir/cognito.json (users,
	// codes, refresh tokens, revocations), rewritten atomically after every
	// change. Empty means in memory only.
	DataDir string
	// Region is the pool's region; empty means us-east-1.
	Region string
	// PoolID is the user pool id, for example us-east-1_eventboardLocal.
	PoolID string
	// ClientID is the app client id.
	ClientID string
	// ClientSecret, when set, makes the app client a confidential one: every
	// call must carry SECRET_HASH = Base64(HMAC_SHA256(ClientSecret,
	// username+ClientID)), and RevokeToken the ClientSecret itself.
	ClientSecret string
	// Issuer is the iss of every token.
	Issuer string
	// Signer signs the tokens.
	Signer *jwtauth.Signer

	// PostConfirmation invokes the post confirmation trigger as Cognito
	// invokes a Lambda function: event is the Cognito event JSON (the shape of
	// aws-lambda-go's events.CognitoEventUserPoolsPostConfirmation) and the
	// answer is the event the function returns. An error is the function's
	// error. Nil means the pool has no trigger.
	PostConfirmation func(ctx context.Context, event []byte) ([]byte, error)
	// TriggerTimeout is how long one trigger invocation may take before it
	// counts as timed out; zero means 5 s, Cognito's fixed value. Tests
	// shorten it.
	TriggerTimeout time.Duration

	// Mail is called, outside any lock, for every message the pool "sends":
	// confirmation codes, and the temporary password of an AdminCreateUser
	// that had to generate one (in Message.Code). Nil is fine.
	Mail func(Message)

	// AccessTokenTTL and IDTokenTTL are the token lifetimes; zero means 1 h.
	AccessTokenTTL, IDTokenTTL time.Duration
	// RefreshTokenTTL is the refresh token lifetime; zero means 30 days.
	RefreshTokenTTL time.Duration
	// RotateRefreshTokens is the app client's RefreshTokenRotation:
	// GetTokensFromRefreshToken issues a new refresh token each time, and
	// the old one works for RefreshGracePeriod more (0: not at all).
	RotateRefreshTokens bool
	RefreshGracePeriod  time.Duration
	// CodeTTL is how long a confirmation code is valid; zero means 24 h.
	CodeTTL time.Duration
	// ResetCodeTTL is how long a password reset code is valid; zero means
	// one hour.
	ResetCodeTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PasswordPolicy is the pool's password policy; the zero value means
	// Cognito's default (see PasswordPolicy).
	PasswordPolicy PasswordPolicy
}

// Message is a message the pool "sent" by e-mail: a confirmation code, or the
// temporary password of a user created by AdminCreateUser.
type Message struct {
	Username string // the stored form of the username
	Email    string
	Code     string
	SentAt   time.Time
}

// Server is an in-process Amazon Cognito user pool that speaks the Cognito
// Identity Provider JSON API. It is safe for concurrent use.
type Server struct {
	cfg        Config
	store      *store
	authorizer *jwtauth.Authorizer

	mu         sync.Mutex
	challenges map[string]challenge // Session → pending NEW_PASSWORD_REQUIRED challenge

	passwordFailures lockouts // by userKey
	codeFailures     lockouts // by userKey
	resetFailures    lockouts // by userKey: wrong password reset codes
}

// New returns a Server for cfg, with the state found in cfg.DataDir. It
// returns an error when PoolID, ClientID, Issuer or Signer is missing, a
// duration is negative, or the state file exists but cannot be read.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.PoolID == "":
		return nil, errors.New("cognitolocal.New: empty PoolID")
	case cfg.ClientID == "":
		return nil, errors.New("cognitolocal.New: empty ClientID")
	case cfg.Issuer == "":
		return nil, errors.New("cognitolocal.New: empty Issuer")
	case cfg.Signer == nil:
		return nil, errors.New("cognitolocal.New: nil Signer")
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"AccessTokenTTL", &cfg.AccessTokenTTL, defaultTokenTTL},
		{"IDTokenTTL", &cfg.IDTokenTTL, defaultTokenTTL},
		{"RefreshTokenTTL", &cfg.RefreshTokenTTL, defaultRefreshTokenTTL},
		{"CodeTTL", &cfg.CodeTTL, defaultCodeTTL},
		{"ResetCodeTTL", &cfg.ResetCodeTTL, defaultResetCodeTTL},
		{"TriggerTimeout", &cfg.TriggerTimeout, defaultTriggerTimeout},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("cognitolocal.New: negative %s %v", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PasswordPolicy == (PasswordPolicy{}) {
		cfg.PasswordPolicy = DefaultPasswordPolicy
	}
	authz, err := jwtauth.NewAuthorizer(jwtauth.AuthorizerConfig{
		Issuer:   cfg.Issuer,
		Audience: []string{cfg.ClientID},
		Keys:     cfg.Signer,
		Now:      cfg.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("cognitolocal.New: %w", err)
	}
	st, err := openStore(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("cognitolocal.New: %w", err)
	}
	return &Server{cfg: cfg, store: st, authorizer: authz, challenges: map[string]challenge{}}, nil
}

// operations maps an X-Amz-Target operation name to its implementation.
var operations = map[string]operation{
	"SignUp":                    handler(opSignUp),
	"ConfirmSignUp":             handler(opConfirmSignUp),
	"ResendConfirmationCode":    handler(opResendConfirmationCode),
	"InitiateAuth":              handler(opInitiateAuth),
	"GetTokensFromRefreshToken": handler(opGetTokensFromRefreshToken),
	"RespondToAuthChallenge":    handler(opRespondToAuthChallenge),
	"GetUser":                   handler(opGetUser),
	"GlobalSignOut":             handler(opGlobalSignOut),
	"RevokeToken":               handler(opRevokeToken),
	"ForgotPassword":            handler(opForgotPassword),
	"ConfirmForgotPassword":     handler(opConfirmForgotPassword),
	"AdminCreateUser":           handler(opAdminCreateUser),
	"AdminConfirmSignUp":        handler(opAdminConfirmSignUp),
	"AdminGetUser":              handler(opAdminGetUser),
	"AdminDeleteUser":           handler(opAdminDeleteUser),
}

// Mailbox returns the messages sent to username (matched without regard to
// case), oldest first, as they were passed to Config.Mail. It returns nil for
// a user the pool never wrote to or has deleted.
func (s *Server) Mailbox(username string) []Message {
	var out []Message
	s.store.view(func(st *state) { out = slices.Clone(st.Mailboxes[userKey(username)]) })
	return out
}

// userKey is the key of a username: usernames are case-insensitive.
func userKey(username string) string { return strings.ToLower(username) }

// checkClient returns ResourceNotFoundException unless clientID is the app
// client's.
func (s *Server) checkClient(clientID string) error {
	if clientID == "" {
		return missingParameter("clientId")
	}
	if clientID != s.cfg.ClientID {
		return newError(errResourceNotFound, "User pool client %s does not exist.", clientID)
	}
	return nil
}

// checkPool returns ResourceNotFoundException unless poolID is the pool's.
func (s *Server) checkPool(poolID string) error {
	if poolID == "" {
		return missingParameter("userPoolId")
	}
	if poolID != s.cfg.PoolID {
		return newError(errResourceNotFound, "User pool %s does not exist.", poolID)
	}
	return nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }
