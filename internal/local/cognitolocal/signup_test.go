package cognitolocal

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/local/jwtauth"
)

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func TestSignUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out := f.signUp(t, "Alice", "alice@example.com")

	want := &cip.SignUpOutput{
		UserConfirmed: false,
		UserSub:       aws.String(jwtauth.SubjectFor("alice")),
		CodeDeliveryDetails: &types.CodeDeliveryDetailsType{
			AttributeName:  aws.String("email"),
			DeliveryMedium: types.DeliveryMediumTypeEmail,
			Destination:    aws.String("a***@e***.com"),
		},
	}
	if diff := cmp.Diff(want, out, cmpopts.IgnoreUnexported(cip.SignUpOutput{}, types.CodeDeliveryDetailsType{}),
		cmpopts.IgnoreFields(cip.SignUpOutput{}, "ResultMetadata")); diff != "" {
		t.Errorf("SignUp output mismatch (-want +got):\n%s", diff)
	}

	box := f.srv.Mailbox("ALICE")
	if len(box) != 1 || !sixDigits.MatchString(box[0].Code) {
		t.Fatalf("Mailbox = %+v, want one message with a 6-digit code", box)
	}
	wantMsg := Message{Username: "Alice", Email: "alice@example.com", Code: box[0].Code, SentAt: testStart}
	if diff := cmp.Diff([]Message{wantMsg}, box); diff != "" {
		t.Errorf("Mailbox mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Message{wantMsg}, f.mailed()); diff != "" {
		t.Errorf("Mail calls mismatch (-want +got):\n%s", diff)
	}
	if status, attrs := f.status(t, "alice"); status != "UNCONFIRMED" || attrs["email_verified"] != "false" {
		t.Errorf("after SignUp: status %s, email_verified %q; want UNCONFIRMED, false", status, attrs["email_verified"])
	}
}

func TestSignUpErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signUp(t, "Taken", "taken@example.com")

	email := func(v string) []types.AttributeType {
		return []types.AttributeType{{Name: aws.String("email"), Value: aws.String(v)}}
	}
	policy := func(rule string) failure {
		return failure{"InvalidPasswordException", "Password did not conform with policy: " + rule}
	}
	tests := []struct {
		name     string
		clientID string
		username string
		password string
		attrs    []types.AttributeType
		want     failure
	}{
		{name: "username taken", username: "Taken",
			want: failure{"UsernameExistsException", "User already exists"}},
		{name: "username taken in another case", username: "tAKEN",
			want: failure{"UsernameExistsException", "User already exists"}},
		{name: "password too short", password: "Ab1!xyz", want: policy("Password not long enough")},
		{name: "password without lowercase", password: "ABCDEFG1!", want: policy("Password must have lowercase characters")},
		{name: "password without uppercase", password: "abcdefg1!", want: policy("Password must have uppercase characters")},
		{name: "password without digit", password: "Abcdefgh!", want: policy("Password must have numeric characters")},
		{name: "password without symbol", password: "Abcdefgh1", want: policy("Password must have symbol characters")},
		{name: "password with trailing space", password: "Abcdefg1! ", want: failure{"InvalidParameterException",
			`1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\S]+.*[\S]+$`}},
		{name: "no email", attrs: []types.AttributeType{},
			want: failure{"InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required"}},
		{name: "invalid email", attrs: email("not-an-address"),
			want: failure{"InvalidParameterException", "Invalid email address format."}},
		{name: "email with display name", attrs: email("Alice <alice@example.com>"),
			want: failure{"InvalidParameterException", "Invalid email address format."}},
		{name: "unknown attribute", attrs: append(email("x@example.com"),
			types.AttributeType{Name: aws.String("custom:team"), Value: aws.String("a")}),
			want: failure{"InvalidParameterException", "Attributes did not conform to the schema: Type for attribute {custom:team} could not be determined"}},
		{name: "client writes email_verified", attrs: append(email("x@example.com"),
			types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")}),
			want: failure{"NotAuthorizedException", "A client attempted to write unauthorized attribute"}},
		{name: "username with a space", username: "alice smith", want: failure{"InvalidParameterException",
			`1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`}},
		{name: "username too long", username: strings.Repeat("a", 129), want: failure{"InvalidParameterException",
			"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"}},
		{name: "unknown client", clientID: "someotherclient",
			want: failure{"ResourceNotFoundException", "User pool client someotherclient does not exist."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := &cip.SignUpInput{
				ClientId: aws.String(orDefault(tt.clientID, testClientID)),
				Username: aws.String(orDefault(tt.username, "newuser")),
				Password: aws.String(orDefault(tt.password, testPassword)),
			}
			in.UserAttributes = tt.attrs
			if tt.attrs == nil {
				in.UserAttributes = email("new@example.com")
			}
			_, err := f.client.SignUp(ctx, in)
			if diff := cmp.Diff(tt.want, failureOf(err)); diff != "" {
				t.Errorf("SignUp error mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if box := f.srv.Mailbox("newuser"); box != nil {
		t.Errorf("refused sign-ups sent mail: %+v", box)
	}
}

func TestUsernamesAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signUp(t, "Alice", "alice@example.com")
	f.confirm(t, "aLiCe")

	for _, typed := range []string{"Alice", "alice", "ALICE"} {
		res := f.login(t, typed)
		claims := claimsOf(t, aws.ToString(res.AccessToken))
		if claims["username"] != "Alice" || claims["sub"] != jwtauth.SubjectFor("alice") {
			t.Errorf("login as %q: username %v, sub %v; want Alice, SubjectFor(alice)", typed, claims["username"], claims["sub"])
		}
		got, err := f.getUser(aws.ToString(res.AccessToken))
		if err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if aws.ToString(got.Username) != "Alice" {
			t.Errorf("GetUser.Username = %q, want the stored form Alice", aws.ToString(got.Username))
		}
	}
}

func TestConfirmSignUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signUp(t, "bob", "bob@example.com")
	if _, err := f.loginErr("bob", testPassword); failureOf(err).Code != "UserNotConfirmedException" {
		t.Fatalf("login before confirmation: %v, want UserNotConfirmedException", err)
	}
	f.confirm(t, "BOB")

	status, attrs := f.status(t, "bob")
	if status != "CONFIRMED" || attrs["email_verified"] != "true" {
		t.Errorf("after ConfirmSignUp: status %s, email_verified %q; want CONFIRMED, true", status, attrs["email_verified"])
	}
	f.login(t, "bob")
}

func TestConfirmSignUpErrors(t *testing.T) {
	t.Parallel()
	mismatch := failure{"CodeMismatchException", "Invalid verification code provided, please try again."}
	tests := []struct {
		name string
		// setup prepares the user "carol" (or not) and returns the code to send.
		setup func(t *testing.T, f *fixture) string
		want  failure
	}{
		{name: "unknown user", setup: func(*testing.T, *fixture) string { return "123456" }, want: mismatch},
		{name: "wrong code", setup: func(t *testing.T, f *fixture) string {
			f.signUp(t, "carol", "carol@example.com")
			return otherCode(f.lastCode(t, "carol"))
		}, want: mismatch},
		{name: "expired code", setup: func(t *testing.T, f *fixture) string {
			f.signUp(t, "carol", "carol@example.com")
			f.clock.Advance(24*time.Hour + time.Second)
			return f.lastCode(t, "carol")
		}, want: failure{"ExpiredCodeException", "Invalid code provided, please request a code again."}},
		{name: "code replaced by a resend", setup: func(t *testing.T, f *fixture) string {
			f.signUp(t, "carol", "carol@example.com")
			old := f.lastCode(t, "carol")
			for f.lastCode(t, "carol") == old {
				resend(t, f, "carol")
			}
			return old
		}, want: mismatch},
		{name: "already confirmed", setup: func(t *testing.T, f *fixture) string {
			f.confirmedUser(t, "carol")
			return f.lastCode(t, "carol")
		}, want: failure{"NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			code := tt.setup(t, f)
			_, err := f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
				ClientId:         aws.String(testClientID),
				Username:         aws.String("carol"),
				ConfirmationCode: aws.String(code),
			})
			if diff := cmp.Diff(tt.want, failureOf(err)); diff != "" {
				t.Errorf("ConfirmSignUp error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// otherCode returns a 6-digit code that is not c.
func otherCode(c string) string {
	if c == "000000" {
		return "000001"
	}
	return "000000"
}

func resend(tb testing.TB, f *fixture, username string) *cip.ResendConfirmationCodeOutput {
	tb.Helper()
	out, err := f.client.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{
		ClientId: aws.String(testClientID),
		Username: aws.String(username),
	})
	if err != nil {
		tb.Fatalf("ResendConfirmationCode %s: %v", username, err)
	}
	return out
}

func TestResendConfirmationCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signUp(t, "dave", "dave@example.org")
	first := f.lastCode(t, "dave")
	f.clock.Advance(time.Minute)

	out := resend(t, f, "DAVE")
	if got := aws.ToString(out.CodeDeliveryDetails.Destination); got != "d***@e***.org" {
		t.Errorf("Destination = %q, want d***@e***.org", got)
	}
	box := f.srv.Mailbox("dave")
	if len(box) != 2 || box[1].SentAt != testStart.Add(time.Minute) || !sixDigits.MatchString(box[1].Code) {
		t.Fatalf("Mailbox = %+v, want a second message sent a minute later", box)
	}
	if len(f.mailed()) != 2 {
		t.Errorf("Mail called %d times, want 2", len(f.mailed()))
	}
	if box[1].Code != first {
		_, err := f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
			ClientId: aws.String(testClientID), Username: aws.String("dave"), ConfirmationCode: aws.String(first),
		})
		if failureOf(err).Code != "CodeMismatchException" {
			t.Errorf("ConfirmSignUp with the replaced code: %v, want CodeMismatchException", err)
		}
	}
	f.confirm(t, "dave")

	t.Run("confirmed user", func(t *testing.T) {
		t.Parallel()
		_, err := f.client.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{
			ClientId: aws.String(testClientID), Username: aws.String("dave"),
		})
		want := failure{"InvalidParameterException", "User is already confirmed."}
		if diff := cmp.Diff(want, failureOf(err)); diff != "" {
			t.Errorf("error mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		out := resend(t, f, "nobody")
		d := out.CodeDeliveryDetails
		if aws.ToString(d.AttributeName) != "email" || d.DeliveryMedium != types.DeliveryMediumTypeEmail ||
			!regexp.MustCompile(`^[a-z]\*\*\*@[a-z]\*\*\*$`).MatchString(aws.ToString(d.Destination)) {
			t.Errorf("CodeDeliveryDetails = %+v, want a simulated e-mail destination", d)
		}
		again := resend(t, f, "NOBODY")
		if aws.ToString(again.CodeDeliveryDetails.Destination) != aws.ToString(d.Destination) {
			t.Errorf("simulated destination changed between calls: %q, %q",
				aws.ToString(d.Destination), aws.ToString(again.CodeDeliveryDetails.Destination))
		}
		if box := f.srv.Mailbox("nobody"); box != nil {
			t.Errorf("Mailbox(nobody) = %+v, want nothing sent", box)
		}
	})
}
