package functions_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/client/apiclient"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

// The typed client generated from the OpenAPI document (`kwipper gen`)
// drives a tutor's first steps and refusals, through the conformance
// checked transport: register, log in, create a course, add, change and
// reorder items, start saving a card, publish, unpublish, publish again,
// page the catalog; a bad price and a reorder that leaves an item out
// answer 400.
func TestFlow_generatedClient(t *testing.T) {
	e := apitest.Start(t)
	ctx := context.Background()
	anon, err := apiclient.NewClientWithResponses(e.URL, apiclient.WithHTTPClient(e.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	key := func() *apiclient.UserRegisterParams {
		k := uuid.NewString()
		return &apiclient.UserRegisterParams{IdempotencyKey: &k}
	}
	reg, err := anon.UserRegisterWithResponse(ctx, key(), apiclient.UserRegisterRequest{Email: "tutor@typed.test",
		Password: apitest.Password, DisplayName: "Typed Tutor", Roles: []string{"tutor"}, Country: "JP"})
	if err != nil || reg.JSON201 == nil {
		t.Fatalf("register: %v %d %s", err, reg.StatusCode(), reg.Body)
	}
	login, err := anon.UserLoginWithResponse(ctx, apiclient.UserLoginRequest{Email: "tutor@typed.test", Password: apitest.Password})
	if err != nil || login.JSON200 == nil {
		t.Fatalf("login: %v %d %s", err, login.StatusCode(), login.Body)
	}
	tutor, err := apiclient.NewClientWithResponses(e.URL, apiclient.WithHTTPClient(e.HTTPClient()),
		apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+login.JSON200.AccessToken)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}

	bad, err := tutor.CourseCreateWithResponse(ctx, nil, apiclient.CourseCreateRequest{Title: "Kana", Description: "",
		Price: apiclient.MoneyMoney{Amount: -1, Currency: "JPY"}, BillingInterval: "month"})
	if err != nil || bad.JSON400 == nil || bad.JSON400.Error.Fields == nil || (*bad.JSON400.Error.Fields)["price.amount"] == "" {
		t.Fatalf("a negative price: %v %d %s", err, bad.StatusCode(), bad.Body)
	}

	k := uuid.NewString()
	created, err := tutor.CourseCreateWithResponse(ctx, &apiclient.CourseCreateParams{IdempotencyKey: &k}, apiclient.CourseCreateRequest{
		Title: "Kana in a week", Description: "Hiragana and katakana", Price: apiclient.MoneyMoney{Amount: 1500, Currency: "JPY"}, BillingInterval: "month"})
	if err != nil || created.JSON201 == nil || created.JSON201.Status != apiclient.CourseViewStatusDraft {
		t.Fatalf("create: %v %d %s", err, created.StatusCode(), created.Body)
	}
	id := created.JSON201.Id
	body := "a i u e o"
	item, err := tutor.CourseItemAddWithResponse(ctx, id, nil, apiclient.CourseItemRequest{Kind: "text", Title: "Vowels", Body: &body})
	if err != nil || item.JSON201 == nil || item.JSON201.Kind != apiclient.CourseItemViewKindText {
		t.Fatalf("add item: %v %d %s", err, item.StatusCode(), item.Body)
	}
	second, err := tutor.CourseItemAddWithResponse(ctx, id, nil, apiclient.CourseItemRequest{Kind: "text", Title: "Consonants", Body: &body})
	if err != nil || second.JSON201 == nil {
		t.Fatalf("add item: %v %d %s", err, second.StatusCode(), second.Body)
	}
	title := "Kana in seven days"
	if upd, err := tutor.CourseUpdateWithResponse(ctx, id, apiclient.CourseUpdateRequest{Title: &title}); err != nil || upd.JSON200 == nil || upd.JSON200.Title != title {
		t.Fatalf("update: %v %d %s", err, upd.StatusCode(), upd.Body)
	}
	vowels := "a i u e o (and n)"
	if upd, err := tutor.CourseItemUpdateWithResponse(ctx, id, item.JSON201.Id, apiclient.CourseItemUpdateRequest{Body: &vowels}); err != nil || upd.JSON200 == nil {
		t.Fatalf("update item: %v %d %s", err, upd.StatusCode(), upd.Body)
	}
	order := []string{second.JSON201.Id, item.JSON201.Id}
	if re, err := tutor.CourseItemReorderWithResponse(ctx, id, apiclient.CourseReorderRequest{ItemIds: order}); err != nil || re.JSON200 == nil || re.JSON200.Items[0].Id != order[0] {
		t.Fatalf("reorder: %v %d %s", err, re.StatusCode(), re.Body)
	}
	if re, err := tutor.CourseItemReorderWithResponse(ctx, id, apiclient.CourseReorderRequest{ItemIds: order[:1]}); err != nil || re.JSON400 == nil {
		t.Fatalf("reorder with an item left out: %v %d %s", err, re.StatusCode(), re.Body)
	}
	if si, err := tutor.BillingSetupIntentWithResponse(ctx); err != nil || si.JSON201 == nil || si.JSON201.ClientSecret == "" {
		t.Fatalf("setup intent: %v %d %s", err, si.StatusCode(), si.Body)
	}
	if page, err := anon.WebAppWithResponse(ctx); err != nil || page.StatusCode() != http.StatusOK {
		t.Fatalf("web app: %v", err)
	}
	pub, err := tutor.CoursePublishWithResponse(ctx, id)
	if err != nil || pub.JSON200 == nil || pub.JSON200.Status != apiclient.CourseViewStatusPublished {
		t.Fatalf("publish: %v %d %s", err, pub.StatusCode(), pub.Body)
	}
	if un, err := tutor.CourseUnpublishWithResponse(ctx, id); err != nil || un.JSON200 == nil || un.JSON200.Status != apiclient.CourseViewStatusDraft {
		t.Fatalf("unpublish: %v %d %s", err, un.StatusCode(), un.Body)
	}
	if pub, err := tutor.CoursePublishWithResponse(ctx, id); err != nil || pub.JSON200 == nil {
		t.Fatalf("publish again: %v %d %s", err, pub.StatusCode(), pub.Body)
	}
	limit := 1
	page, err := anon.CourseListWithResponse(ctx, &apiclient.CourseListParams{Limit: &limit})
	if err != nil || page.JSON200 == nil || len(page.JSON200.Courses) != 1 || page.JSON200.Courses[0].Id != id {
		t.Fatalf("catalog: %v %d %s", err, page.StatusCode(), page.Body)
	}
}
