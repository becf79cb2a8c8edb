// Package cognitolocal is an in-process Amazon Cognito user pool for the local
// stack. It speaks the Cognito Identity Provider API (AWS JSON 1.1: POST with
// X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>), so the
// unchanged aws-sdk-go-v2 cognitoidentityprovider client works against it:
// point BaseEndpoint at the [Server] (any path) and use any static
// credentials; signatures are not checked.
//
// The pool is configured as Eventboard's is on AWS: one app client with
// PreventUserExistenceErrors ENABLED and the USER_PASSWORD_AUTH and
// REFRESH_TOKEN_AUTH flows; sign-in by username, case-insensitive ("Alice"
// and "alice" are one user, answers use the form first signed up); e-mail
// required and verified automatically; token revocation enabled. Tokens are
// signed by a [jwtauth.Signer] with Cognito's claim shapes; a user's sub is
// jwtauth.SubjectFor(lowercased username), the sub `eventboard token` uses.
//
// # Operations
//
// SignUp, ConfirmSignUp, ResendConfirmationCode, InitiateAuth
// (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), RespondToAuthChallenge
// (NEW_PASSWORD_REQUIRED), GetUser, GlobalSignOut, RevokeToken,
// ForgotPassword, ConfirmForgotPassword, AdminCreateUser, AdminConfirmSignUp, AdminGetUser and AdminDeleteUser. Any
// other operation is answered with HTTP 400 UnknownOperationException.
// Errors are HTTP 400 (500 for InternalErrorException) with
// {"__type": "<Exception>", "message": "…"} and the x-amzn-ErrorType header.
//
// With PreventUserExistenceErrors ENABLED, as Cognito documents it:
//   - signing in as an unknown user and with a wrong password both fail with
//     NotAuthorizedException "Incorrect username or password.", after the same
//     password-hashing work; the right password of an unconfirmed user gets
//     UserNotConfirmedException;
//   - ConfirmSignUp for an unknown user fails like a wrong code,
//     CodeMismatchException; an expired code is ExpiredCodeException; a user
//     who is not UNCONFIRMED gets NotAuthorizedException "User cannot be
//     confirmed. Current status is CONFIRMED";
//   - ResendConfirmationCode for an unknown user answers with a simulated
//     CodeDeliveryDetails; for a confirmed user it fails with
//     InvalidParameterException "User is already confirmed.";
//   - ForgotPassword for an unknown user answers with a simulated
//     CodeDeliveryDetails too, and ConfirmForgotPassword fails for them like
//     a wrong code, CodeMismatchException. ConfirmForgotPassword does not
//     invoke the post confirmation trigger (Cognito does, with triggerSource
//     PostConfirmation_ConfirmForgotPassword, which Eventboard's function
//     returns untouched).
//
// A client secret (Config.ClientSecret) makes every call need SECRET_HASH =
// Base64(HMAC_SHA256(secret, username+clientId)), and RevokeToken the secret.
//
// # Revocation
//
// Each sign-in is a session named by the origin_jti its access and ID tokens
// carry, refreshes included. RevokeToken revokes the session of a refresh
// token; GlobalSignOut revokes all of a user's sessions; AdminDeleteUser
// revokes them too. A revoked session's refresh token fails with
// NotAuthorizedException "Refresh Token has been revoked" and its access
// tokens fail GetUser and GlobalSignOut with "Access Token has been revoked".
// As on AWS, revocation is only seen by this API: a revoked token still passes
// signature and expiry checks, such as API Gateway's JWT authorizer.
//
// # Post confirmation trigger
//
// ConfirmSignUp and AdminConfirmSignUp confirm the user, save that, and then
// call Config.PostConfirmation with the event Cognito sends a Lambda function
// (triggerSource PostConfirmation_ConfirmSignUp; userAttributes with sub,
// email, email_verified and cognito:user_status; callerContext.clientId the
// app client, or CLIENT_ID_NOT_APPLICABLE for AdminConfirmSignUp). Cognito's
// developer guide says it invokes triggers synchronously, that a function
// must answer within 5 seconds, that Cognito retries one that does not, and
// that after three unsuccessful attempts the call times out. So here:
//   - each attempt may take Config.TriggerTimeout (5 s); one that runs over is
//     abandoned, not stopped, and is retried, up to three attempts; after the
//     third the call fails with UnexpectedLambdaException "PostConfirmation
//     invocation failed due to error Socket timeout while invoking Lambda
//     function.";
//   - a function error is not retried: UserLambdaValidationException
//     "PostConfirmation failed with error <message>.";
//   - an answer that is not a JSON object is InvalidLambdaResponseException
//     "Unrecognizable lambda output".
//
// In every one of these cases the user stays CONFIRMED (and verified): the
// confirmation is not rolled back, a second ConfirmSignUp fails with
// NotAuthorizedException and does not run the trigger again, and the user can
// sign in. Cognito does not document this; it is what users of Cognito report
// (a failed post confirmation trigger leaves a confirmed user behind), and it
// means the trigger's work can be lost: the function must be idempotent and
// the application must cope with a confirmed user whose trigger failed. The
// trigger is not run for users created by AdminCreateUser, as on AWS.
//
// # State
//
// With Config.DataDir set, users, pending codes, mailboxes and sessions live
// in DataDir/cognito.json (mode 0600), rewritten atomically (temporary file,
// then rename) after every change, so a restart loses nothing. Passwords are
// stored as salted scrypt hashes and refresh tokens as SHA-256 digests. The
// Server is safe for concurrent use; two Servers must not share a DataDir.
//
// # Differences from Amazon Cognito
//
//   - One pool with one app client. No SigV4 or IAM check on any operation,
//     Admin* included. Operations beyond those listed are unknown.
//   - Only USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (also spelled
//     REFRESH_TOKEN); other flows fail with InvalidParameterException "<flow>
//     flow not enabled for this client". The only challenge is
//     NEW_PASSWORD_REQUIRED; no MFA, SRP, passkeys, devices or hosted UI.
//     Challenge sessions are kept in memory: a restart ends them.
//   - sub is derived from the username instead of random, so a user deleted
//     and signed up again gets the same sub (the old tokens stay revoked).
//   - Refresh tokens are opaque random strings; Cognito's are encrypted JWTs.
//     They are never rotated. A refresh keeps origin_jti, auth_time and also
//     event_id (Cognito does not document event_id on refresh).
//   - The ID token has the claims jwtauth issues: no cognito:groups, no
//     attributes besides email and email_verified, no at_hash. GetUser and
//     AdminGetUser list every stored attribute.
//   - The schema is Cognito's standard attributes, e-mail required; no custom
//     attributes, aliases, e-mail uniqueness or attribute format checks other
//     than e-mail. App clients cannot write email_verified or
//     phone_number_verified (NotAuthorizedException "A client attempted to
//     write unauthorized attribute"); AdminCreateUser can.
//   - No e-mail is sent: codes go to Config.Mail and [Server.Mailbox].
//     Destinations are masked as "a***@e***.com" (as in Cognito's answers,
//     which keep the top-level domain); a simulated destination for an
//     unknown user is a stable "x***@y***". AdminCreateUser mails a generated
//     temporary password as Message.Code (unless MessageAction is SUPPRESS);
//     RESEND and DesiredDeliveryMediums are ignored.
//   - No throttling or lockout: no TooManyRequestsException,
//     TooManyFailedAttemptsException or LimitExceededException for repeated
//     wrong passwords or codes. Users are never disabled.
//   - Only the post confirmation trigger exists. Cognito also retries a
//     function that is throttled or fails inside Lambda; here any error from
//     Config.PostConfirmation is a function error and is not retried. The
//     failure messages are those seen from Cognito, not documented ones.
//   - A missing SECRET_HASH is NotAuthorizedException "Client <id> is
//     configured with secret but SECRET_HASH was not received", a wrong one
//     "Unable to verify secret hash for client <id>". For an existing user the
//     hash may use the username as typed or as stored.
//   - RevokeToken with a missing or wrong ClientSecret fails with
//     UnauthorizedException (Cognito's revocation endpoint answers
//     invalid_client; the API's message is undocumented), and with an access
//     or ID token with UnsupportedTokenTypeException. An unknown or already
//     revoked refresh token is revoked "successfully", as RFC 7009 and
//     Cognito's revocation endpoint specify.
//   - GlobalSignOut also revokes access tokens the pool did not issue (such
//     as those of `eventboard token`) when issued no later than the second of
//     the sign-out.
//   - Username case folding is strings.ToLower; Cognito does not document its
//     folding. Validation messages imitate Cognito's wording. The
//     x-amzn-ErrorType header holds the bare exception name, without the
//     ":<namespace>" suffix Cognito sometimes appends.
//   - ResendConfirmationCode for a confirmed user fails with
//     InvalidParameterException "User is already confirmed.", as Cognito has
//     long answered; recent reports say it may now answer with
//     CodeDeliveryDetails instead.
//   - The temporary password of AdminCreateUser expires after 7 days
//     (Cognito's default, not configurable here), the challenge session
//     after 3 minutes.
package cognitolocal
