package cognitolocal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func (f *fixture) forgot(username string) (*cip.ForgotPasswordOutput, error) {
	return f.client.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(testClientID), Username: aws.String(username)})
}

func (f *fixture) reset(username, code, password string) error {
	_, err := f.client.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId:         aws.String(testClientID),
		Username:         aws.String(username),
		ConfirmationCode: aws.String(code),
		Password:         aws.String(password),
	})
	return err
}

const newPassword = "N3w-Passw0rd!"

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "Alice")
	sessionBefore := f.login(t, "alice")

	out, err := f.forgot("ALICE")
	if err != nil {
		t.Fatalf("ForgotPassword: %v", err)
	}
	if got := aws.ToString(out.CodeDeliveryDetails.Destination); got != "a***@e***.com" {
		t.Errorf("destination %q", got)
	}
	code := f.lastCode(t, "alice")
	if box := f.srv.Mailbox("alice"); len(box) != 2 || !sixDigits.MatchString(code) {
		t.Fatalf("mailbox after ForgotPassword = %+v, want the sign-up code and a reset code", box)
	}

	steps := []struct {
		name, code, password string
		want                 string // the exception, "" for success
	}{
		{"wrong code", otherTestCode(code), newPassword, "CodeMismatchException"},
		{"weak password, right code", code, "weak", "InvalidPasswordException"},
		{"right code", code, newPassword, ""},
		{"the code is used up", code, newPassword, "CodeMismatchException"},
	}
	for _, s := range steps {
		if got := failureOf(f.reset("alice", s.code, s.password)); got.Code != s.want {
			t.Errorf("%s: ConfirmForgotPassword = %+v, want %q", s.name, got, s.want)
		}
	}

	if _, err := f.loginErr("alice", testPassword); failureOf(err).Code != "NotAuthorizedException" {
		t.Errorf("login with the old password = %v, want NotAuthorizedException", err)
	}
	if _, err := f.loginErr("alice", newPassword); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	// As on Cognito, a reset signs no session out.
	if _, err := f.getUser(aws.ToString(sessionBefore.AccessToken)); err != nil {
		t.Errorf("a session from before the reset: %v", err)
	}
}

// TestForgotPasswordDoesNotEnumerate: an unknown user is told what a known
// one is, and a reset for them fails like a wrong code.
func TestForgotPasswordDoesNotEnumerate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	out, err := f.forgot("nobody")
	if err != nil || aws.ToString(out.CodeDeliveryDetails.Destination) == "" {
		t.Fatalf("ForgotPassword of an unknown user = %+v, %v; want a simulated delivery", out, err)
	}
	if len(f.mailed()) != 0 {
		t.Errorf("mail was sent for an unknown user: %+v", f.mailed())
	}
	if got := failureOf(f.reset("nobody", "123456", newPassword)); got != (failure{"CodeMismatchException", msgCodeMismatch}) {
		t.Errorf("ConfirmForgotPassword of an unknown user = %+v", got)
	}
}

func TestForgotPasswordRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signUp(t, "pending", "pending@example.com")
	if got := failureOf(func() error { _, err := f.forgot("pending"); return err }()); got.Code != "InvalidParameterException" {
		t.Errorf("ForgotPassword of an unconfirmed user = %+v, want InvalidParameterException", got)
	}

	f.confirmedUser(t, "late")
	if _, err := f.forgot("late"); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, "late")
	f.clock.Advance(25 * time.Hour)
	if got := failureOf(f.reset("late", code, newPassword)); got != (failure{"ExpiredCodeException", msgExpiredCode}) {
		t.Errorf("an expired reset code = %+v", got)
	}

	// A newer code replaces the one before.
	if _, err := f.forgot("late"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.forgot("late"); err != nil {
		t.Fatal(err)
	}
	box := f.srv.Mailbox("late")
	older, newest := box[len(box)-2].Code, box[len(box)-1].Code
	if older != newest {
		if got := failureOf(f.reset("late", older, newPassword)); got.Code != "CodeMismatchException" {
			t.Errorf("a replaced code = %+v", got)
		}
	}
	if err := f.reset("late", newest, newPassword); err != nil {
		t.Errorf("the newest code: %v", err)
	}
	if status, _ := f.status(t, "late"); status != "CONFIRMED" {
		t.Errorf("status after the reset %s, want CONFIRMED", status)
	}
}

func otherTestCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// TestResetCodesExpireInAnHourAndGuessesWait: a reset code is valid for one
// hour, as Cognito's are, and from the fifth wrong code in a row the next
// attempt waits (LimitExceededException, the code not even checked), for a
// known user and an unknown one alike.
func TestResetCodesExpireInAnHourAndGuessesWait(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "alice")
	if _, err := f.forgot("alice"); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, "alice")
	f.clock.Advance(time.Hour + time.Second)
	if got := failureOf(f.reset("alice", code, newPassword)); got.Code != "ExpiredCodeException" {
		t.Errorf("a code an hour old: %+v, want ExpiredCodeException", got)
	}

	if _, err := f.forgot("alice"); err != nil {
		t.Fatal(err)
	}
	code = f.lastCode(t, "alice")
	for _, username := range []string{"alice", "nobody"} {
		for i := range 4 {
			if got := failureOf(f.reset(username, otherTestCode(code), newPassword)); got.Code != "CodeMismatchException" {
				t.Fatalf("%s: wrong code %d: %+v", username, i+1, got)
			}
		}
		// The fifth wrong code starts the wait; the sixth attempt, even
		// with the right code, waits.
		f.reset(username, otherTestCode(code), newPassword)
		if got := failureOf(f.reset(username, code, newPassword)); got.Code != "LimitExceededException" {
			t.Errorf("%s: after five wrong codes: %+v, want LimitExceededException", username, got)
		}
	}
	f.clock.Advance(time.Second)
	if err := f.reset("alice", code, newPassword); err != nil {
		t.Errorf("the right code after the wait: %v", err)
	}
}
