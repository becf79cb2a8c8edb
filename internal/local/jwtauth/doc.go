// Package jwtauth issues and verifies the JSON Web Tokens of the local stack.
//
// On AWS, Cognito issues the tokens and API Gateway's HTTP API JWT authorizer
// checks them before a Lambda runs. The local stack has neither, so this
// package stands in for both:
//
//   - [Signer] issues RS256 access and ID tokens with the claim shapes of a
//     Cognito user pool and publishes its public key as a JWK Set, like
//     Cognito's /.well-known/jwks.json.
//   - [Authorizer] checks a request's bearer token the way the HTTP API JWT
//     authorizer does (algorithm, kid, signature, iss, aud or client_id, exp,
//     nbf, iat, route scopes) and renders the claims the way API Gateway puts
//     them under requestContext.authorizer.jwt in a payload 2.0 event.
//     It adds one rule of Eventboard's own: only access tokens pass.
//
// The aim is that a token the local stack accepts is one AWS would accept for
// the same route, and the other way round. Where AWS's behaviour is not
// documented, the choice made here is written next to the code that makes it.
package jwtauth
