// Package contract holds, one package per producer, what Kwipper's services
// say to each other: topics, event types and payloads, commands and the
// saga's step payloads. A producer owns its contract and both sides import
// it; no service imports another service. Contract packages import only the
// standard library and shared/money (TestImportRules checks it), so a
// contract can be read, and changed, without knowing either side.
//
//	usermsg       User:      user-events
//	coursemsg     Course:    course-events, course and item vocabulary
//	contentmsg    Content:   content-events, content statuses
//	subscribemsg  Subscribe: subscription-events, billing-cycle ticks, renewal charges
//	billingmsg    Billing:   billing-events (refunds, renewal outcomes)
//	sagamsg       the subscribe saga's steps and their payloads
package contract
