package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

// refuseTokenOnce makes the next request matching pattern carry an access
// token the API refuses (401, as for an expired one); it answers how many
// POST /v1/sessions/refresh the page has sent since.
func (p *tab) refuseTokenOnce(pattern string) func() int {
	p.t.Helper()
	var mu sync.Mutex
	refreshes := 0
	ctx, cancel := context.WithCancel(p.ctx)
	p.t.Cleanup(cancel)
	sent := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range sent {
			if err != nil || ctx.Err() != nil {
				return
			}
			if ev.Request.Method == "POST" && strings.HasSuffix(ev.Request.URL, "/v1/sessions/refresh") {
				mu.Lock()
				refreshes++
				mu.Unlock()
			}
		}
	}()
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil || ctx.Err() != nil {
				return
			}
			var headers []*fetch.HeaderEntry
			for k, v := range ev.Request.Headers {
				if !strings.EqualFold(k, "Authorization") {
					headers = append(headers, &fetch.HeaderEntry{Name: k, Value: fmt.Sprint(v)})
				}
			}
			headers = append(headers, &fetch.HeaderEntry{Name: "Authorization", Value: "Bearer no-longer-valid"})
			_, _ = chromedp.Call(p.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID, Headers: headers})
			_, _ = chromedp.Call(p.ctx, fetch.Disable, cdp.Empty{})
			return
		}
	}()
	if _, err := chromedp.Call(p.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}}); err != nil {
		p.t.Fatal(err)
	}
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return refreshes
	}
}

// login starts a session through the API and answers its access token.
// emailLink finds the app link in an email.
var emailLink = regexp.MustCompile(`https?://\S+/#/\S+`)

func login(e *apitest.Env, email, password string) string {
	var s struct {
		AccessToken string `json:"access_token"`
	}
	e.Must(200, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": password}).JSON(e.T, &s)
	return s.AccessToken
}

// The web app end to end in Chromium against the whole local stack (real
// emulators, no mocked API): a tutor builds and publishes a course with a
// video; a learner in Japanese finds it, is declined with one card (nothing
// changes), subscribes with another, reads, watches and cancels; a large
// upload survives a dropped connection. Every page of the journeys passes
// axe-core with no serious or critical violation and works by keyboard.
func TestJourneys(t *testing.T) {
	e := apitest.Start(t)
	bctx := startBrowser(t)
	var courseID string

	tutor := newTab(t, bctx, e.URL, "tutor", "en-PH")
	t.Run("tutor_signs_up_creates_uploads_publishes", func(t *testing.T) {
		p := tutor
		p.t = t
		p.do(chromedp.Navigate(e.URL + "/"))
		p.waitText("h1", "Find a course")
		p.clickLink("Sign up")
		p.waitText("h1", "Create your account")
		p.checkAccessible("sign up")
		p.typeInto("#su-name", "Aiko Tanaka")
		p.typeInto("#su-email", "aiko@journey.test")
		p.typeInto("#su-password", "short")
		p.choose("#su-tutor", "true")
		p.choose("#su-learner", "false")
		p.choose("#su-country", "JP")
		p.clickButton("Create account")
		// The API's field error shows next to the field; nothing typed is lost.
		p.wait("password error", `document.querySelector('#su-password-error') && document.querySelector('#su-password').getAttribute('aria-invalid') === 'true'`, 10*time.Second)
		if got := eval[string](p, `document.querySelector('#su-name').value + '|' + document.querySelector('#su-email').value`); got != "Aiko Tanaka|aiko@journey.test" {
			p.fail("the form lost what was typed: %q", got)
		}
		p.checkAccessible("sign up with errors")
		p.typeInto("#su-password", "kana-and-kanji-42")
		p.clickButton("Create account")
		p.waitText("h1", "Teach on Kwipper")
		p.checkAccessible("tutor home")

		p.clickLink("New course")
		p.waitText("h1", "New course")
		p.typeInto("#new-course-title", "Nihongo for Travellers")
		p.typeInto("#new-course-desc", "Greetings, trains and ramen: Japanese for your first trip.")
		p.typeInto("#new-course-price", "0")
		p.choose("#new-course-cur", "JPY")
		p.clickButton("Create course")
		p.wait("price error", `document.querySelector('#new-course-price-error')`, 10*time.Second)
		p.checkAccessible("new course with errors")
		p.typeInto("#new-course-price", "1500")
		p.clickButton("Create course")
		p.waitText("h1", "Nihongo for Travellers")
		courseID = strings.TrimPrefix(eval[string](p, `location.hash`), "#/tutor/courses/")

		p.typeInto("#ai-title", "Greetings")
		p.typeInto("#ai-body", "おはようございます — good morning.")
		p.clickButton("Add item")
		p.waitText(".items", "Greetings")
		p.choose("#ai-kind", "video")
		p.typeInto("#ai-title", "At the station")
		p.clickButton("Add item")
		p.waitText(".items", "At the station")
		p.checkAccessible("course editor")

		p.clickLink("Edit “At the station”")
		p.waitText("h1", "At the station")
		// Slow the upload so the progress bar has to move.
		storage := "http://" + e.Storage.Host + "/*"
		if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{URLPattern: storage, UploadThroughput: 48 * 1024, DownloadThroughput: -1}}}); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs("testdata/lesson.mp4")
		p.do(chromedp.SetUploadFiles(chromedp.CSS("#up-file"), []string{abs}))
		eval[chromedp.Void](p, `window.__kwProgress = []; new MutationObserver(() => { const b = document.getElementById('up-progress');
			if (b) window.__kwProgress.push(b.value); }).observe(document.getElementById('main'), {subtree: true, childList: true, characterData: true})`)
		p.clickButton("Upload")
		p.waitText("[data-testid=upload-status]", "Ready: learners can watch it.")
		if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{URLPattern: storage, UploadThroughput: -1, DownloadThroughput: -1}}}); err != nil {
			t.Fatal(err)
		}
		steps := eval[[]float64](p, `[...new Set(window.__kwProgress)]`)
		between := 0
		for _, v := range steps {
			if v > 0 && v < 100 {
				between++
			}
		}
		if between < 1 || steps[len(steps)-1] != 100 {
			p.fail("the progress bar did not move: %v", steps)
		}
		t.Logf("progress bar values seen: %v", steps)
		p.screenshot("tutor-upload")
		p.checkAccessible("item upload")

		// Captions: a malformed file is refused with its line, next to the
		// file; a good one is saved.
		dir := t.TempDir()
		bad, good := filepath.Join(dir, "bad.vtt"), filepath.Join(dir, "station.ja.vtt")
		if err := os.WriteFile(bad, []byte("WEBVTT\n\n00:01.5 --> 00:02.000\nえき\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(good, []byte("WEBVTT\n\n00:00.000 --> 00:04.000\n駅はどこですか？\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		p.choose("#cap-lang", "ja")
		p.do(chromedp.SetUploadFiles(chromedp.CSS("#cap-file"), []string{bad}))
		p.clickButton("Upload captions")
		p.waitText("#cap-file-error", "line")
		p.checkAccessible("captions refused")
		p.do(chromedp.SetUploadFiles(chromedp.CSS("#cap-file"), []string{good}))
		p.clickButton("Upload captions")
		p.waitText("[data-testid=captions-status]", "saved: learners see them now.")

		p.clickLink("Back")
		p.waitText("h1", "Nihongo for Travellers")
		p.clickButton("Publish")
		p.waitText("[role=status]", "Published: learners can find it in the catalog.")
		p.checkAccessible("course editor, published")
		// The tutor's courses, drafts included, with their counts.
		p.clickLink("Teach")
		p.waitText("[data-testid=tutor-courses]", "Nihongo for Travellers")
		p.waitText("[data-testid=tutor-courses]", "2 items · 0 subscribers")
		p.checkAccessible("tutor home with courses")
	})
	if courseID == "" {
		t.FailNow()
	}

	learner := newTab(t, bctx, e.URL, "learner", "ja-JP")
	t.Run("learner_in_japanese_finds_the_course_and_is_declined", func(t *testing.T) {
		p := learner
		p.t = t
		p.do(chromedp.Navigate(e.URL + "/"))
		p.waitText("h1", "コースを探す")
		if lang := eval[string](p, `document.documentElement.lang`); lang != "ja" {
			p.fail("the page's language is %q, want ja", lang)
		}
		p.waitText(".cards", "Nihongo for Travellers")
		p.waitText(".cards", "¥1,500 / 月")
		p.typeInto("#cat-q", "nihongo")
		p.choose("#cat-currency", "JPY")
		p.clickButton("検索")
		p.wait("filters in the URL", `location.hash.includes('q=nihongo') && location.hash.includes('currency=JPY')`, 10*time.Second)
		p.waitText(".cards", "Nihongo for Travellers")
		// The API says which words it searched for.
		p.waitText("[data-testid=search-words]", "nihongo")
		p.screenshot("catalog")
		p.checkAccessible("catalog")

		p.clickLink("Nihongo for Travellers")
		p.waitText("h1", "Nihongo for Travellers")
		p.waitText(".price", "¥1,500 / 月")
		p.waitText("[data-testid=subscribers]", "購読者 0 人")
		p.checkAccessible("course page (anonymous)")
		// The tutor's other courses: the catalog filtered by tutor_id.
		p.clickLink("Aiko Tanaka さんの他のコース")
		p.waitText("[data-testid=tutor-filter]", "Aiko Tanaka さんのコース")
		p.wait("tutor_id in the URL", `location.hash.includes('tutor_id=')`, 10*time.Second)
		p.waitText(".cards", "Nihongo for Travellers")
		p.checkAccessible("catalog by tutor")
		p.clickLink("Nihongo for Travellers")
		p.waitText("h1", "Nihongo for Travellers")
		p.clickLink("ログインして購読する")
		p.waitText("h1", "ログイン")
		p.checkAccessible("log in")
		p.clickLink("はじめての方はアカウントを作成")
		p.waitText("h1", "アカウントを作成")
		p.typeInto("#su-name", "Kenji")
		p.typeInto("#su-email", "kenji@journey.test")
		p.typeInto("#su-password", "densha-de-go-7")
		p.clickButton("アカウントを作成")
		p.waitText("h1", "Nihongo for Travellers")
		p.waitText(".pay", "購読とお支払い")
		p.screenshot("course")
		p.checkAccessible("course page (learner)")

		p.choose("#card-pm_card_chargeDeclined", "true")
		p.clickButton("を支払って購読する")
		p.waitText("[data-testid=pay-failed]", "カードが拒否されました。")
		p.waitText("[data-testid=pay-failed]", "請求はされていません")
		p.checkAccessible("course page (declined)")
		// Nothing changed: no subscriber, no charge, no access.
		var c struct {
			SubscriberCount int `json:"subscriber_count"`
		}
		e.Must(200, "GET", "/v1/courses/"+courseID, "", nil).JSON(t, &c)
		if c.SubscriberCount != 0 || e.Stripe.Totals().Succeeded != 0 {
			t.Fatalf("a declined card changed something: %d subscribers, totals %+v", c.SubscriberCount, e.Stripe.Totals())
		}
		p.waitText("[data-testid=subscribers]", "購読者 0 人")
		if n := eval[int](p, `document.querySelectorAll('.items a').length`); n != 0 {
			p.fail("a declined learner can open %d items", n)
		}
	})

	t.Run("learner_subscribes_reads_watches_cancels", func(t *testing.T) {
		p := learner
		p.t = t
		p.choose("#card-pm_card_visa", "true")
		p.clickButton("を支払って購読する")
		p.waitText("[role=status]", "お支払いが完了しました")
		p.waitText("[data-testid=subscribers]", "購読者 1 人")
		// The tutor sees the subscriber.
		tutor.t = t
		tutor.goTo("#/tutor/courses/" + courseID)
		tutor.waitText("[data-testid=subscriber-count]", "1 subscriber")
		tutor.waitText("table.subscribers", time.Now().Format("2006"))
		tutor.checkAccessible("course editor with subscribers")
		// A reload keeps the learner logged in (the refresh token, parked
		// while the page unloads, is exchanged for new tokens).
		p.do(chromedp.Reload())
		p.waitText(".who", "Kenji")
		p.waitText("h1", "Nihongo for Travellers")
		p.waitText(".items a", "Greetings")
		if parked := eval[int](p, `sessionStorage.length`); parked != 0 {
			p.fail("the running page left %d items in sessionStorage", parked)
		}
		p.clickLink("Greetings")
		p.waitText(".prose", "おはようございます — good morning.")
		p.checkAccessible("text item")
		p.clickLink("コースに戻る")
		p.waitText("h1", "Nihongo for Travellers")
		// The stack's ffmpeg transcoder makes the HLS ladder (with the
		// tutor's Japanese captions).
		learnerTok := login(e, "kenji@journey.test", "densha-de-go-7")
		var items struct {
			Items []struct{ ID, Kind, Title string }
		}
		e.Must(200, "GET", "/v1/courses/"+courseID+"/items", "", nil).JSON(t, &items)
		var videoID string
		for _, it := range items.Items {
			if it.Kind == "video" {
				videoID = it.ID
			}
		}
		item := "/v1/courses/" + courseID + "/items/" + videoID
		e.Eventually("the stream is ready", 3*time.Minute, func() bool {
			var c struct{ Stream struct{ Status string } }
			e.Must(200, "GET", item+"/content", learnerTok, nil).JSON(t, &c)
			return c.Stream.Status == "ready"
		})
		p.clickLink("At the station")
		// hls.js plays the ladder with the CDN cookie content-get set.
		p.wait("hls.js plays the stream", `(v => v && v.dataset.mode === 'hls' && v.readyState >= 1 && v.duration > 3)(document.querySelector('video'))`, 30*time.Second)
		p.wait("the captions menu lists Japanese", `document.querySelectorAll('#pl-captions option').length >= 2`, 20*time.Second)
		t.Logf("quality menu: %s", eval[string](p, `[...document.querySelectorAll('#pl-quality option')].map(o => o.textContent).join(', ')`))
		p.choose("#pl-captions", "0")
		// The caption's WebVTT file is a <track> the browser fetched with the
		// cookie (hls.js's light build does not stream subtitles): its cues
		// are there.
		p.wait("captions showing", `[...document.querySelector('video').textTracks].some(t => t.mode === 'showing' && t.cues && t.cues.length > 0)`, 20*time.Second)
		p.screenshot("player")
		p.checkAccessible("video player")
		// Watch to 2.5 s (a seek reports the position), reload: it resumes there.
		eval[chromedp.Void](p, `document.querySelector('video').currentTime = 2.5`)
		e.Eventually("the position is saved", 30*time.Second, func() bool {
			var pr struct {
				Position float64 `json:"position_seconds"`
			}
			e.Must(200, "GET", item+"/progress", learnerTok, nil).JSON(t, &pr)
			return pr.Position > 2.4 && pr.Position < 2.6
		})
		p.do(chromedp.Reload())
		p.wait("the player resumes at 2.5 s", `(v => v && v.readyState >= 1 && Math.abs(v.currentTime - 2.5) < 0.3)(document.querySelector('video'))`, 30*time.Second)
		p.waitText("[role=status]", "前回の続き (0:02) から再生します。")
		p.checkAccessible("video player (resumed)")
		// My courses: the text read, the video not finished. The API
		// refuses the access token of the first request (it carries one
		// that is no longer valid, as an expired one): the app refreshes
		// and retries, and the learner stays logged in.
		refreshes := p.refuseTokenOnce(e.URL + "/v1/me/courses*")
		p.clickLink("受講中のコース")
		p.waitText("h1", "受講中のコース")
		p.waitText(".my-courses", "Nihongo for Travellers")
		p.waitText(".my-courses", "2 件中 1 件完了 (50%)")
		p.waitText(".who", "Kenji")
		if n := refreshes(); n != 1 {
			t.Fatalf("the refused token led to %d refreshes, want 1", n)
		}
		p.screenshot("my-courses")
		p.checkAccessible("my courses")
		// Payments and receipts: the payment, tax-inclusive with the
		// consumption tax itemised, and its receipt.
		p.goTo("#/payments")
		p.waitText("h1", "お支払いと領収書")
		p.waitText("[data-testid=payments]", "Consumption tax 10%")
		p.clickButton("領収書")
		p.waitText("[data-testid=receipt]", "合計")
		p.checkAccessible("payments and receipts")
		// The tutor sees the course's revenue by month.
		tutor.goTo("#/tutor")
		tutor.waitText("[data-testid=revenue]", "Nihongo for Travellers")
		tutor.waitText("[data-testid=revenue]", time.Now().UTC().Format("2006-01"))
		tutor.checkAccessible("tutor home with revenue")
		p.clickLink("購読中のコース")
		p.waitText("h1", "購読中のコース")
		p.waitText(".sub", "有効")
		p.checkAccessible("my subscriptions")
		p.clickButton("今すぐ解約")
		p.waitText(".sub", "終了")
		p.checkAccessible("my subscriptions (cancelled)")
		// Access ends with the subscription (subscription.ended reaches
		// the Content service), as the API tells the learner.
		deadline := time.Now().Add(20 * time.Second)
		for e.Do("GET", "/v1/courses/"+courseID+"/items/"+items.Items[0].ID+"/content", learnerTok, nil).Status != 403 {
			if time.Now().After(deadline) {
				t.Fatal("the learner still reads the course after cancelling")
			}
			time.Sleep(100 * time.Millisecond)
		}
		p.clickLink("Nihongo for Travellers")
		p.waitText(".items", "購読すると開けます")
		// Subscribing again with the card saved last time: nothing to type.
		charged := e.Stripe.Totals().Succeeded
		p.waitText(".methods-choice", "保存済みの VISA (下 4 桁 4242)")
		p.choose("#method-saved", "true")
		p.checkAccessible("course page (saved card offered)")
		p.clickButton("を支払って購読する")
		p.waitText("[role=status]", "お支払いが完了しました")
		if got := e.Stripe.Totals().Succeeded; got != charged+1 {
			t.Fatalf("%d charges for subscribing again with the saved card", got-charged)
		}
	})

	t.Run("learner_logs_out_here_and_everywhere", func(t *testing.T) {
		p := learner
		p.t = t
		phone := newTab(t, bctx, e.URL, "learner-phone", "ja-JP")
		phone.do(chromedp.Navigate(e.URL + "/#/login"))
		phone.waitText("h1", "ログイン")
		logIn := func() {
			phone.typeInto("#login-email", "kenji@journey.test")
			phone.typeInto("#login-password", "densha-de-go-7")
			phone.clickButton("ログイン")
			phone.waitText(".who", "Kenji")
		}
		logIn()
		// Log out on this device: the other keeps its session.
		phone.clickButton("ログアウト")
		phone.waitText("nav", "ログイン")
		p.do(chromedp.Reload())
		p.waitText(".who", "Kenji")
		p.checkAccessible("catalog, logged in")
		// Log out everywhere: the phone's session ends too.
		phone.goTo("#/login")
		logIn()
		p.clickButton("すべての端末でログアウト")
		p.waitText("nav", "ログイン")
		phone.do(chromedp.Reload())
		phone.waitText("nav", "ログイン")
		if n := eval[int](phone, `document.querySelectorAll('.who').length`); n != 0 {
			phone.fail("still logged in after logging out everywhere")
		}
	})

	t.Run("learner_confirms_email_and_resets_password_from_the_emailed_links", func(t *testing.T) {
		const email = "kenji@journey.test"
		mail := newTab(t, bctx, e.URL, "learner-mail", "ja-JP")
		open := func(category string, n int) {
			link := emailLink.FindString(e.Mail(email, category, n).Text)
			if !strings.HasPrefix(link, e.URL+"/#/") {
				mail.fail("no link to the app in the %s email", category)
			}
			mail.do(chromedp.Navigate(link))
		}
		// The sign-up email's link confirms the address; the token leaves
		// the address bar at once.
		open("verify_email", 1)
		mail.waitText("h1", "メールアドレスの確認")
		mail.waitText("[role=status]", "メールアドレスが確認されました")
		if h := eval[string](mail, `location.hash`); h != "#/verify-email" {
			mail.fail("the token stayed in the address bar: %s", h)
		}
		mail.checkAccessible("email confirmed")
		// Forgot the password: the log-in page links to a form that emails
		// a link; a weak new password is refused next to the field, a good
		// one logs in.
		mail.goTo("#/login")
		mail.clickLink("パスワードをお忘れですか")
		mail.waitText("h1", "パスワードの再設定")
		mail.checkAccessible("forgot password")
		mail.checkKeyboard("forgot password")
		mail.typeInto("#forgot-email", email)
		mail.clickButton("リンクをメールで受け取る")
		mail.waitText("[role=status]", "リンクを送りました")
		open("reset_password", 1)
		mail.waitText("h1", "新しいパスワードの設定")
		mail.typeInto("#reset-password", "short")
		mail.clickButton("新しいパスワードを保存")
		mail.wait("the weak password's error", `!!document.querySelector('#reset-password[aria-invalid="true"]')`, 20*time.Second)
		mail.checkAccessible("reset password, refused")
		mail.typeInto("#reset-password", "shinkansen-no-3")
		mail.clickButton("新しいパスワードを保存")
		mail.waitText(".who", "Kenji")
		login(e, email, "shinkansen-no-3")
		e.Must(401, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": "densha-de-go-7"})
	})

	t.Run("resumable_upload_survives_a_dropped_connection", func(t *testing.T) {
		p := tutor
		p.t = t
		p.goTo("#/tutor/courses/" + courseID)
		p.choose("#ai-kind", "video")
		p.typeInto("#ai-title", "Long walk")
		p.clickButton("Add item")
		p.waitText(".items", "Long walk")
		p.clickLink("Edit “Long walk”")
		p.waitText("h1", "Long walk")

		// A file over the resumable threshold (16 MiB): the MP4 padded.
		mp4, err := os.ReadFile("testdata/lesson.mp4")
		if err != nil {
			t.Fatal(err)
		}
		big := filepath.Join(t.TempDir(), "long-walk.mp4")
		if err := os.WriteFile(big, append(mp4, make([]byte, 17<<20-len(mp4)+123)...), 0o644); err != nil {
			t.Fatal(err)
		}
		// The connection drops while the second chunk is on its way (the
		// browser goes offline for the storage host), then comes back.
		storage := "http://" + e.Storage.Host + "/*"
		throttle := func(c network.Conditions) {
			c.URLPattern = storage
			if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{&c}}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		var ranges []string
		sent := chromedp.Events(p.ctx, network.RequestWillBeSent)
		ctx, cancel := context.WithCancel(p.ctx)
		defer cancel()
		go func() {
			for ev, err := range sent {
				if err != nil || ctx.Err() != nil {
					return
				}
				if ev.Request.Method == "PUT" && strings.Contains(ev.Request.URL, "upload_id=") {
					mu.Lock()
					ranges = append(ranges, fmt.Sprint(ev.Request.Headers["Content-Range"]))
					mu.Unlock()
				}
			}
		}()
		throttle(network.Conditions{UploadThroughput: 4 << 20, DownloadThroughput: -1})
		p.do(chromedp.SetUploadFiles(chromedp.CSS("#up-file"), []string{big}))
		eval[chromedp.Void](p, `window.__kwStatus = []; new MutationObserver(() => window.__kwStatus.push(document.querySelector('[data-testid=upload-status]').textContent))
			.observe(document.getElementById('main'), {subtree: true, childList: true, characterData: true})`)
		p.clickButton("Upload")
		p.wait("the second chunk on its way", `document.getElementById('up-progress') && document.getElementById('up-progress').value > 55`, 30*time.Second)
		throttle(network.Conditions{Offline: true, UploadThroughput: -1, DownloadThroughput: -1})
		p.waitText("[data-testid=upload-status]", "Connection lost. Resuming the upload…")
		time.Sleep(300 * time.Millisecond)
		throttle(network.Conditions{UploadThroughput: -1, DownloadThroughput: -1})
		p.waitText("[data-testid=upload-status]", "Ready: learners can watch it.")
		cancel()
		mu.Lock()
		defer mu.Unlock()
		t.Logf("chunk requests: %q", ranges)
		// After the drop: a status query, then the chunk it says is missing
		// again (not the whole file).
		status := fmt.Sprintf("bytes */%d", 17<<20+123)
		q := slices.Index(ranges, status)
		// (the status query is retried while the link is still down)
		for q >= 0 && q+1 < len(ranges) && ranges[q+1] == status {
			q++
		}
		if q < 1 || q+1 >= len(ranges) || !slices.Contains(ranges[:q], ranges[q+1]) || ranges[q+1] == ranges[0] {
			t.Fatalf("the upload did not resume where the session said: %q", ranges)
		}
	})

	t.Run("learner_in_japan_pays_at_the_konbini", func(t *testing.T) {
		p := newTab(t, bctx, e.URL, "yuki", "ja-JP")
		charged := e.Stripe.Totals().Succeeded
		p.do(chromedp.Navigate(e.URL + "/#/signup"))
		p.waitText("h1", "アカウントを作成")
		p.typeInto("#su-name", "Yuki")
		p.typeInto("#su-email", "yuki@journey.test")
		p.typeInto("#su-password", "onigiri-shake-5")
		p.clickButton("アカウントを作成")
		p.waitText(".who", "Yuki")
		// The course page offers what Japan pays with: card or konbini.
		p.goTo("#/courses/" + courseID)
		p.waitText("h1", "Nihongo for Travellers")
		p.waitText(".methods-choice", "コンビニ払い")
		p.choose("#method-konbini", "true")
		p.waitText(".methods-choice", "入金が確認されると購読が始まります")
		p.checkAccessible("course page (konbini chosen)")
		p.clickButton("を支払って購読する")
		// The voucher: the payment code, the confirmation number and the
		// deadline; nothing is charged until it is paid.
		p.waitText("[data-testid=paylater]", "お支払い番号でお支払いください")
		p.wait("the payment code shown", `!!document.querySelector('[data-testid=voucher-number]')`, 20*time.Second)
		p.waitText("[data-testid=paylater]", "お支払い期限")
		p.screenshot("konbini-voucher")
		p.checkAccessible("konbini voucher")
		if e.Stripe.Totals().Succeeded != charged {
			t.Fatalf("charged before the voucher was paid: %+v", e.Stripe.Totals())
		}
		// The learner pays at the register (the fake plays it): active.
		payment := eval[string](p, `document.querySelector('[data-testid=payment-id]').textContent`)
		var act struct {
			PaymentIntentID string `json:"payment_intent_id"`
		}
		e.Must(200, "GET", "/v1/billing/payments/"+payment+"/action", login(e, "yuki@journey.test", "onigiri-shake-5"), nil).JSON(t, &act)
		if !e.Stripe.PayVoucher(act.PaymentIntentID) {
			t.Fatalf("no voucher %s waited at the fake", act.PaymentIntentID)
		}
		p.waitText("[role=status]", "お支払いが完了しました")
		if got := e.Stripe.Totals().Succeeded; got != charged+1 {
			t.Fatalf("%d charges for one voucher", got-charged)
		}
	})

	t.Run("learner_in_mexico_saves_cards_and_confirms_with_3ds", func(t *testing.T) {
		p := newTab(t, bctx, e.URL, "maria", "es-MX")
		charged := e.Stripe.Totals().Succeeded
		p.do(chromedp.Navigate(e.URL + "/#/signup"))
		p.waitText("h1", "Crea tu cuenta")
		p.typeInto("#su-name", "María")
		p.typeInto("#su-email", "maria@journey.test")
		p.typeInto("#su-password", "tacos-al-pastor-9")
		p.clickButton("Crear cuenta")
		p.waitText(".who", "María")
		p.clickLink("Métodos de pago")
		p.waitText("h1", "Métodos de pago")
		p.waitText("main", "No tienes métodos de pago guardados.")
		p.checkAccessible("payment methods (none)")

		// Two cards saved as the default in turn; the default switched back
		// and forth; the other removed. (Saving a card again with another
		// "default" than the first time is refused by Billing's Stripe
		// idempotency key, so the card the course is paid with is saved as
		// the default here, as the course page saves it.)
		p.choose("#card-pm_card_visa", "true")
		p.choose("#pm-default", "true")
		p.clickButton("Guardar tarjeta")
		p.waitText("[data-testid=methods]", "VISA terminada en 4242")
		p.waitText("[data-testid=methods]", "Predeterminada")
		p.choose("#card-pm_card_authenticationRequired", "true")
		p.choose("#pm-default", "true")
		p.clickButton("Guardar tarjeta")
		p.waitText("[data-testid=methods]", "VISA terminada en 3184")
		// (found and clicked in one step: the list re-renders as it reloads)
		press := func(label string) {
			find := fmt.Sprintf(`[...document.querySelectorAll('button')].find(b => !b.disabled && b.getAttribute('aria-label') === %s)`, js(label))
			p.wait("button "+label, find, 20*time.Second)
			eval[chromedp.Void](p, `(`+find+`).click()`)
		}
		press("Hacer predeterminada la VISA terminada en 4242")
		p.waitText("[role=status]", "La VISA terminada en 4242 ahora es tu predeterminada.")
		press("Hacer predeterminada la VISA terminada en 3184")
		p.waitText("[role=status]", "La VISA terminada en 3184 ahora es tu predeterminada.")
		p.checkAccessible("payment methods")
		press("Eliminar la VISA terminada en 4242")
		p.waitText("[role=status]", "Se eliminó la VISA terminada en 4242.")
		p.wait("the removed card leaves the list", `[...document.querySelectorAll('.method')].filter(m => m.textContent.includes('4242')).length === 0`, 10*time.Second)

		// Subscribing with the card that needs 3-D Secure: the step shows
		// what the local fake waits for; the bank says yes; active.
		p.goTo("#/courses/" + courseID)
		p.waitText("h1", "Nihongo for Travellers")
		p.choose("#card-pm_card_authenticationRequired", "true")
		p.clickButton("y suscribirme")
		p.waitText("[data-testid=threeds]", "Confirma el pago con tu banco")
		p.wait("the payment intent shown", `document.querySelector('[data-testid=payment-intent]') && document.querySelector('[data-testid=payment-intent]').textContent.startsWith('pi_')`, 20*time.Second)
		p.screenshot("three-d-secure")
		p.checkAccessible("3-D Secure step")
		if e.Stripe.Totals().Succeeded != charged {
			t.Fatalf("charged before authenticating: %+v", e.Stripe.Totals())
		}
		pi := eval[string](p, `document.querySelector('[data-testid=payment-intent]').textContent`)
		if !e.Stripe.Authenticate(pi, true) {
			t.Fatalf("nothing waited at the fake for %s", pi)
		}
		p.waitText("[role=status]", "Pago recibido: ya estás suscrito.")
		p.checkAccessible("course page (subscribed after 3-D Secure)")
	})
}
