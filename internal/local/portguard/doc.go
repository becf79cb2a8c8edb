// Package portguard holds what every port of the local stack refuses
// before its service sees a request: a Host that is not a loopback name
// (DNS rebinding), headers over API Gateway's 10 KB, an AWS API call
// without a SigV4-shaped Authorization header (which no web page can send
// cross-site without a CORS preflight, and no port of the stack answers
// one), and a state-changing dev action a page could forge.
//
// It exists only on a laptop: on AWS the services check Host, signatures
// and limits themselves, and the dev endpoints do not exist.
package portguard
