package cognitolocal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// 60 wrong passwords, then the right one was accepted; Cognito locks the
// sign-in out after repeated failures.
func TestRepeatedWrongPasswordsLockTheSignInOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.confirmedUser(t, "grace")
	for i := range 60 {
		_, err := f.loginErr("grace", testPassword+"x")
		want := msgIncorrectCredentials
		if i > lockoutFreeFailures {
			want = msgPasswordAttemptsExceeded
		}
		if got := failureOf(err); got.Code != errNotAuthorized || got.Message != want {
			t.Fatalf("attempt %d: %+v, want %s %q", i+1, got, errNotAuthorized, want)
		}
	}
	if _, err := f.loginErr("grace", testPassword); failureOf(err).Message != msgPasswordAttemptsExceeded {
		t.Fatalf("the right password during the lockout: %v", err)
	}
	// An unknown user is locked out alike: the answer tells nothing.
	for range lockoutFreeFailures + 2 {
		_, _ = f.loginErr("nobody", testPassword)
	}
	if _, err := f.loginErr("nobody", testPassword); failureOf(err).Message != msgPasswordAttemptsExceeded {
		t.Errorf("unknown user not locked out alike: %v", err)
	}
	f.clock.Advance(lockoutMax + time.Second)
	if _, err := f.loginErr("grace", testPassword); err != nil {
		t.Fatalf("the right password after the lockout: %v", err)
	}
	// Success resets the count: one more wrong password is not locked out.
	if _, err := f.loginErr("grace", testPassword+"x"); failureOf(err).Message != msgIncorrectCredentials {
		t.Errorf("after a success: %v", err)
	}
}

func TestRepeatedWrongCodesLockTheConfirmationOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.signUp(t, "heidi", "heidi@example.com")
	confirm := func(code string) error {
		_, err := f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
			ClientId: aws.String(testClientID), Username: aws.String("heidi"), ConfirmationCode: aws.String(code),
		})
		return err
	}
	for i := range lockoutFreeFailures + 1 {
		if got := failureOf(confirm("000000")); got.Code != errCodeMismatch {
			t.Fatalf("wrong code %d: %+v", i+1, got)
		}
	}
	if got := failureOf(confirm(f.lastCode(t, "heidi"))); got.Code != errLimitExceeded {
		t.Fatalf("the right code during the lockout: %+v, want %s", got, errLimitExceeded)
	}
	f.clock.Advance(lockoutFirst)
	if err := confirm(f.lastCode(t, "heidi")); err != nil {
		t.Fatalf("the right code after the wait: %v", err)
	}
}

// 128 concurrent failed sign-ins ran 128 scrypt hashes at once (4 GB): at
// most scryptSlots run, and a caller that cannot get one in time is told to
// slow down instead of waiting without end.
func TestScryptConcurrencyIsBounded(t *testing.T) {
	ran := make(chan struct{})
	release := make(chan struct{})
	for range cap(scryptSlots) {
		go func() { _ = withScrypt(func() { ran <- struct{}{}; <-release }) }()
		<-ran
	}
	start := time.Now()
	err := withScrypt(func() { t.Error("ran past the bound") })
	if err != errScryptBusy || time.Since(start) < scryptWait/2 {
		t.Errorf("with every slot taken: %v after %v", err, time.Since(start))
	}
	close(release)
	if err := withScrypt(func() {}); err != nil {
		t.Errorf("after the slots came free: %v", err)
	}
}

// The mailbox grew without bound: a loop of resends kept every code.
func TestMailboxIsBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setUp func(tb testing.TB, f *fixture, username string)
		send  func(f *fixture, username string) error
	}{
		{
			name:  "confirmation codes",
			setUp: func(tb testing.TB, f *fixture, username string) { f.signUp(tb, username, username+"@example.com") },
			send: func(f *fixture, username string) error {
				_, err := f.client.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(testClientID), Username: aws.String(username)})
				return err
			},
		},
		{
			name:  "password reset codes",
			setUp: func(tb testing.TB, f *fixture, username string) { f.confirmedUser(tb, username) },
			send: func(f *fixture, username string) error {
				_, err := f.forgot(username)
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tt.setUp(t, f, "judy")
			for range 3 * maxMailPerUser {
				if err := tt.send(f, "judy"); err != nil {
					t.Fatal(err)
				}
			}
			box := f.srv.Mailbox("judy")
			if len(box) != maxMailPerUser {
				t.Fatalf("mailbox holds %d messages, want the latest %d", len(box), maxMailPerUser)
			}
			if last := f.mailed(); box[len(box)-1].Code != last[len(last)-1].Code {
				t.Errorf("the latest code was dropped")
			}
		})
	}
}
