package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

// typeCard types a card into Stripe.js's card Element, a frame of another
// origin the page cannot script: as a person does, by clicking into the
// number field and typing, Tab between the fields.
func (p *tab) typeCard(number, expiry, cvc string) {
	p.t.Helper()
	frame := `document.querySelector('[data-testid=card-element] iframe')`
	// Ready: Stripe.js said so (the card field stops being busy).
	p.wait("the card Element", `document.querySelector('fieldset.stripe-card[aria-busy=false]') && `+frame, 30*time.Second)
	r := eval[[]float64](p, `(r => [r.left, r.top, r.width, r.height])(`+frame+`.getBoundingClientRect())`)
	// The number field is the frame's left part; a triple click selects
	// what it held, which the new number replaces.
	p.do(chromedp.MouseClickXY(r[0]+r[2]*0.15, r[1]+r[3]/2, chromedp.ClickCount(3)))
	p.do(chromedp.KeyEvent(number + "\t" + expiry + "\t" + cvc))
}

// answerBank answers the bank's 3-D Secure page Stripe.js opens over the
// app: Tab to its first button (Complete) or second (Fail), then Enter.
func (p *tab) answerBank(complete bool) {
	p.t.Helper()
	frame := `document.querySelector('iframe[title="3D Secure authentication"]')`
	p.wait("the bank's page", frame+` && `+frame+`.dataset.kwLoaded === '1'`, 30*time.Second)
	r := eval[[]float64](p, `(r => [r.left, r.top])(`+frame+`.getBoundingClientRect())`)
	p.do(chromedp.MouseClickXY(r[0]+4, r[1]+4)) // the page's margin: focus moves to the frame's document
	keys := "\t\r"
	if !complete {
		keys = "\t\t\r"
	}
	p.do(chromedp.KeyEvent(keys))
	p.wait("the bank's page closes", `!`+frame, 30*time.Second)
}

// The cloud's card path, end to end on the local stack: the app loads
// Stripe.js (here the Stripe fake's stand-in, with Stripe.js's API, from
// its own origin, under the page's Trusted Types policy), the learner types
// a card into Stripe's frame, and the bank's 3-D Secure page opens in
// Stripe's frame: a card left incomplete says so and sends nothing; a
// declined card shows its reason and charges nothing; a card the bank
// checks on every payment is charged once after the learner completes the
// bank's page, and then refunded from "my subscriptions" (after cancelling
// at period end and resuming), which locks the course again; a card the
// bank checks when it is saved is saved only once the learner completes it.
func TestJourneys_cardsThroughStripeJS(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_WEB_PAYMENTS", "stripe"))
	bctx := startBrowser(t)

	_, tutor := e.User("tutor@stripejs.test", "tutor")
	var course struct {
		ID string `json:"id"`
	}
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Tagalog para sa Biyahe", "description": "Everyday Tagalog.",
		"price": map[string]any{"amount": 49900, "currency": "PHP"}, "billing_interval": "month"}).JSON(t, &course)
	e.Must(201, "POST", "/v1/courses/"+course.ID+"/items", tutor, map[string]any{"title": "Kumusta", "kind": "text", "body": "Kumusta ka?"})
	e.Must(200, "POST", "/v1/courses/"+course.ID+"/publish", tutor, nil)
	e.User("learner@stripejs.test", "learner")

	p := newTab(t, bctx, e.URL, "stripejs", "en-PH")
	p.do(chromedp.Navigate(e.URL + "/#/login"))
	p.typeInto("#login-email", "learner@stripejs.test")
	p.typeInto("#login-password", apitest.Password)
	p.clickButton("Log in")
	p.waitText(".who", "Test learner@stripejs.test")
	if got := eval[bool](p, `!!window.Stripe`); got {
		t.Fatal("Stripe.js loaded on a page that takes no card")
	}

	p.goTo("#/courses/" + course.ID)
	p.waitText("h1", "Tagalog para sa Biyahe")
	p.waitText("[data-testid=card-element] + .hint", "never sees them")
	p.checkAccessible("course page (Stripe.js card Element)")
	charged := e.Stripe.Totals().Succeeded

	// Incomplete: Stripe.js says so; nothing reaches Kwipper.
	p.typeCard("4242", "", "")
	p.clickButton("and subscribe")
	p.waitText("[role=alert]", "Your card number is incomplete.")
	var subs struct {
		Subscriptions []struct {
			Status string `json:"status"`
		} `json:"subscriptions"`
	}
	learner := login(e, "learner@stripejs.test", apitest.Password)
	e.Must(200, "GET", "/v1/subscriptions", learner, nil).JSON(t, &subs)
	if len(subs.Subscriptions) != 0 {
		t.Fatalf("an incomplete card made a subscription: %+v", subs)
	}

	// Declined: the reason, and nothing charged.
	p.typeCard("4000000000000002", "1240", "123")
	p.clickButton("and subscribe")
	p.waitText("[data-testid=pay-failed]", "declined")
	if got := e.Stripe.Totals(); got.Succeeded != charged || got.Declined == 0 {
		t.Fatalf("after a declined card: %+v", got)
	}

	// A card the bank checks on every payment: the payment waits; the
	// learner confirms with the bank in Stripe's frame; active, one charge.
	p.typeCard("4000002760003184", "1240", "123")
	p.screenshot("stripejs-card")
	p.clickButton("and subscribe")
	p.waitText("[data-testid=threeds]", "Confirm the payment with your bank")
	p.checkAccessible("3-D Secure step (Stripe.js)")
	if e.Stripe.Totals().Succeeded != charged {
		t.Fatal("charged before the bank's check")
	}
	p.clickButton("Confirm with my bank")
	p.wait("the bank's page", `document.querySelector('iframe[title="3D Secure authentication"]')?.dataset.kwLoaded === '1'`, 30*time.Second)
	p.screenshot("stripejs-bank")
	p.answerBank(true)
	p.waitText("[role=status]", "Payment received: you are subscribed.")
	if got := e.Stripe.Totals().Succeeded; got != charged+1 {
		t.Fatalf("%d charges for one subscription", got-charged)
	}

	// My subscriptions: cancel at the period's end, change one's mind, then
	// ask for a refund: the charge is refunded at Stripe, the subscription
	// ends and the course's items lock again.
	p.goTo("#/subscriptions")
	p.waitText(".sub", "Active")
	p.clickButton("Cancel at period end")
	p.waitText(".sub", "Ends on")
	p.checkAccessible("my subscriptions (ending at period end)")
	p.clickButton("Keep my subscription")
	p.waitText(".sub", "Renews on")
	p.clickButton("Ask for a refund")
	p.waitText(".sub .badge", "Ended")
	if got := e.Stripe.Totals(); got.Refunded != 1 || got.Succeeded != charged+1 {
		t.Fatalf("after the refund: %+v, want the one charge refunded", got)
	}
	var items struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	e.Must(200, "GET", "/v1/courses/"+course.ID+"/items", learner, nil).JSON(t, &items)
	if status := e.Do("GET", "/v1/courses/"+course.ID+"/items/"+items.Items[0].ID+"/content", learner, nil).Status; status != 403 {
		t.Fatalf("content after the refund: %d, want 403", status)
	}
	p.goTo("#/courses/" + course.ID)
	p.waitText(".items", "Subscribe to open")

	// Saving a card the bank checks when it is saved: its page opens; a
	// failed check leaves the card unsaved with the bank's reason; a
	// completed one saves it.
	p.goTo("#/payment-methods")
	p.waitText("h1", "Payment methods")
	p.typeCard("4000002500003155", "1240", "123")
	p.clickButton("Save card")
	p.answerBank(false)
	p.waitText("[role=alert]", "authentication")
	p.typeCard("4000002500003155", "1240", "123")
	p.clickButton("Save card")
	p.answerBank(true)
	p.waitText("[data-testid=methods]", "3155")
	p.wait("the card saved", fmt.Sprintf(`[...document.querySelectorAll('.method')].some(m => m.textContent.includes('3155') && !m.textContent.includes(%s))`, js("Waiting for your bank")), 30*time.Second)
	p.checkAccessible("payment methods (Stripe.js)")
	p.checkKeyboard("payment methods (Stripe.js)")
}
