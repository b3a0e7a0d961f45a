package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kwipper/kwipper/functions/client"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/devstack/sample"
)

// BenchmarkFirstLoad measures, in Chromium on slow 4G (150 ms RTT,
// 1.6 Mbps down, 750 kbps up) with the CPU slowed 4x and a cold cache, how
// long the catalog and a course page take to become interactive (their
// content rendered by the app, so every control works), and how many
// compressed bytes of JS and CSS the first load fetched:
//
//	scripts/test ./functions/web -run '^$' -bench FirstLoad -benchtime 3x
//
// It reports figures; no test asserts on time.
func BenchmarkFirstLoad(b *testing.B) {
	e := apitest.Start(b)
	_, tutor := e.User("bench-tutor@web.test", "tutor")
	var c struct{ ID string }
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Bahasa untuk Pemula", "description": "Mulai berbicara.",
		"price": map[string]any{"amount": 9900000, "currency": "IDR"}, "billing_interval": "month"}).JSON(b, &c)
	for i := range 3 {
		e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": fmt.Sprintf("Pelajaran %d", i+1), "body": "Selamat pagi!"})
	}
	e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)
	bctx := startBrowser(b)

	pages := []struct{ name, path, ready string }{
		{"catalog", "/", `document.querySelector('.cards .price')`},
		{"course", "/#/courses/" + c.ID, `document.querySelector('.course .price') && document.querySelector('.items li')`},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			var tti, fcp, bytes, requests float64
			for i := 0; i < b.N; i++ {
				p := newTab(b, bctx, e.URL, "bench", "id-ID")
				slowPhone(b, p)
				p.do(chromedp.Navigate(e.URL + pg.path))
				deadline := time.Now().Add(60 * time.Second)
				var at float64
				for {
					v, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`(`+pg.ready+`) ? performance.now() : -1`))
					if err == nil && v > 0 {
						at = v
						break
					}
					if time.Now().After(deadline) {
						p.fail("%s never became interactive", pg.name)
					}
					time.Sleep(20 * time.Millisecond)
				}
				var m struct {
					FCP      float64 `json:"fcp"`
					Bytes    float64 `json:"bytes"`
					Requests float64 `json:"requests"`
					HTML     float64 `json:"html"`
					Assets   float64 `json:"assets"`
					DCL      float64 `json:"dcl"`
					API      float64 `json:"api"`
				}
				raw := eval[[]byte](p, `(() => { const all = performance.getEntriesByType('resource');
					const r = all.filter(e => /\.(js|css)$/.test(new URL(e.name).pathname));
					const api = all.filter(e => new URL(e.name).pathname.startsWith('/v1/'));
					const f = performance.getEntriesByName('first-contentful-paint')[0];
					const nav = performance.getEntriesByType('navigation')[0];
					return {fcp: f ? f.startTime : 0, bytes: r.reduce((n, e) => n + e.encodedBodySize, 0), requests: r.length,
						html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, assets: Math.max(0, ...r.map(e => e.responseEnd)),
						api: Math.max(0, ...api.map(e => e.responseEnd))}; })()`)
				if err := json.Unmarshal(raw, &m); err != nil {
					b.Fatal(err)
				}
				b.Logf("%s #%d: interactive at %.0f ms (page %.0f, assets %.0f, DOMContentLoaded %.0f, first paint %.0f, API answered %.0f), %.1f KiB of JS+CSS in %.0f requests",
					pg.name, i+1, at, m.HTML, m.Assets, m.DCL, m.FCP, m.API, m.Bytes/1024, m.Requests)
				tti += at
				fcp += m.FCP
				bytes += m.Bytes
				requests += m.Requests
				_, _ = chromedp.Call(p.ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 1})
			}
			n := float64(b.N)
			b.ReportMetric(tti/n, "tti-ms")
			b.ReportMetric(fcp/n, "fcp-ms")
			b.ReportMetric(bytes/n/1024, "js+css-KiB-gz")
			b.ReportMetric(requests/n, "js+css-requests")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkVideoStart measures, in Chromium on slow 4G with the CPU slowed
// 4x and the cache cleared after logging in, how long a subscriber waits
// from opening a video item to the player being ready (the lazy player
// chunk, hls.js, the signed cookie and the HLS master fetched) and to the
// first frame playing after pressing play (the first segment of the
// ladder's lowest rendition fetched and decoded), and logs the waterfall of
// each start (what was fetched, when, how many bytes; -v shows every run's):
//
//	scripts/test ./functions/web -run '^$' -bench VideoStart -benchtime 3x -v
//
// It reports figures; no test asserts on time.
func BenchmarkVideoStart(b *testing.B) {
	e := apitest.Start(b)
	_, tutor := e.User("video-tutor@web.test", "tutor")
	var c, item struct{ ID string }
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Video", "description": "d",
		"price": map[string]any{"amount": 150000, "currency": "JPY"}, "billing_interval": "month"}).JSON(b, &c)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Clip"}).JSON(b, &item)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := (&client.Client{Base: e.URL, Token: tutor, HTTP: e.HTTPClient()}).UploadMedia(ctx, c.ID, item.ID, "video/mp4", "lesson.mp4", sample.LessonMP4); err != nil {
		b.Fatal(err)
	}
	e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)
	const email, password = "video-learner@web.test", "ekiben-time-8"
	e.Must(201, "POST", "/v1/users", "", map[string]any{"email": email, "password": password, "display_name": "Viewer",
		"roles": []string{"learner"}, "country": "JP"})
	learner := login(e, email, password)
	e.Must(201, "POST", "/v1/billing/payment-methods", learner, map[string]string{"payment_method_id": "pm_card_visa"})
	var sub struct{ ID, Status string }
	e.Must(202, "POST", "/v1/subscriptions", learner, map[string]string{"course_id": c.ID}).JSON(b, &sub)
	e.Eventually("the subscription is active", 2*time.Minute, func() bool {
		e.Must(200, "GET", "/v1/subscriptions/"+sub.ID, learner, nil).JSON(b, &sub)
		return sub.Status == "active"
	})
	path := "/v1/courses/" + c.ID + "/items/" + item.ID
	e.Eventually("the HLS ladder is ready to the subscriber", 3*time.Minute, func() bool {
		var got struct{ Stream struct{ Status string } }
		r := e.Do("GET", path+"/content", learner, nil)
		if r.Status != 200 {
			return false // the entitlement reaches the Content service by event
		}
		r.JSON(b, &got)
		return got.Stream.Status == "ready"
	})
	bctx := startBrowser(b)
	// direct: the item opened by its link with nothing loaded before (a
	// shared link); from_course_page: opened from the course page, where
	// a subscriber's player loads while they choose.
	for _, via := range []string{"direct", "from_course_page"} {
		b.Run(via, func(b *testing.B) { videoStart(b, bctx, e, email, password, c.ID, item.ID, via) })
	}
}

func videoStart(b *testing.B, bctx context.Context, e *apitest.Env, email, password, courseID, itemID, via string) {
	var ready, first float64
	token := login(e, email, password)
	for i := 0; i < b.N; i++ {
		// Every start is a first start, not a resume: the position the
		// previous start saved is reset (a later client_time wins), so the
		// player does not seek before its first frame.
		e.Must(200, "PUT", "/v1/courses/"+courseID+"/items/"+itemID+"/progress", token, map[string]any{
			"position_seconds": 0, "duration_seconds": 10, "client_time": time.Now().UTC().Format(time.RFC3339Nano)})
		p := newTab(b, bctx, e.URL, "video", "ja-JP")
		p.do(chromedp.Navigate(e.URL + "/#/login"))
		p.typeInto("#login-email", email)
		p.typeInto("#login-password", password)
		p.clickButton("ログイン")
		p.waitText(".who", "Viewer")
		slowPhone(b, p)
		link := "#/courses/" + courseID + "/items/" + itemID + "?kind=video" // as the course page links a video item
		if via == "from_course_page" {
			p.goTo("#/courses/" + courseID)
			p.wait("the item's link", `!!document.querySelector('.items a')`, 60*time.Second)
			time.Sleep(3 * time.Second) // the learner reads the list
		}
		// Long tasks (50 ms or more) say when the main thread was too busy
		// to start a fetch or append a segment.
		eval[chromedp.Void](p, `window.kwLongTasks = [], new PerformanceObserver((l) => kwLongTasks.push(...l.getEntries())).observe({type: 'longtask'})`)
		start := eval[float64](p, `performance.now()`)
		eval[chromedp.Void](p, `location.hash = `+js(link))
		at := func(what, cond string) float64 {
			deadline := time.Now().Add(90 * time.Second)
			for {
				v, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`(`+cond+`) ? performance.now() : -1`))
				if err == nil && v > 0 {
					return v - start
				}
				if time.Now().After(deadline) {
					p.fail("%s did not happen", what)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		r := at("the player is ready", `(v => v && v.dataset.mode === 'hls' && v.readyState >= 1)(document.querySelector('video'))`)
		eval[chromedp.Void](p, `(v => { v.muted = true; v.play().catch(() => {}); })(document.querySelector('video'))`)
		f := at("the first frame plays", `(v => v && v.currentTime > 0 && !v.paused)(document.querySelector('video'))`)
		b.Logf("video %s #%d: player ready at %.0f ms, first frame at %.0f ms after opening the item (native HLS: %q)", via, i+1, r, f,
			eval[string](p, `document.querySelector('video').canPlayType('application/vnd.apple.mpegurl')`))
		// A segment still arriving when the first frame plays (progressive)
		// is listed once it has ended: its times do not change by waiting.
		time.Sleep(2 * time.Second)
		logWaterfall(b, p, start)
		ready += r
		first += f
		_, _ = chromedp.Call(p.ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 1})
		// The tab must not play on (and use the CPU) beside the next start.
		eval[chromedp.Void](p, `document.querySelector('video').pause()`)
		time.Sleep(500 * time.Millisecond) // the pause's report
		if err := chromedp.Cancel(p.ctx); err != nil {
			b.Logf("closing the tab: %v", err)
		}
	}
	n := float64(b.N)
	b.ReportMetric(ready/n, "player-ready-ms")
	b.ReportMetric(first/n, "first-frame-ms")
	b.ReportMetric(0, "ns/op")
}

// logWaterfall logs what the page fetched since start (ms, performance.now
// time): each resource's path, when it started and ended relative to start,
// and the bytes it transferred (0 from the HTTP cache), so a run says where
// the time went.
func logWaterfall(b *testing.B, p *tab, start float64) {
	var rows []struct {
		Name  string  `json:"name"`
		Start float64 `json:"start"`
		End   float64 `json:"end"`
		Size  float64 `json:"size"`
		Type  string  `json:"type"`
	}
	raw := eval[[]byte](p, `performance.getEntriesByType('resource').filter(e => e.startTime >= `+fmt.Sprint(start)+` - 1).map(e => {
		const u = new URL(e.name); const parts = u.pathname.split('/');
		return {name: (u.pathname.startsWith('/media/') ? '/media/…/' + parts.slice(-2).join('/') : u.pathname.length > 70 ? u.pathname.slice(0, 70) + '…' : u.pathname),
			start: e.startTime - `+fmt.Sprint(start)+`, end: e.responseEnd - `+fmt.Sprint(start)+`, size: e.transferSize, type: e.initiatorType}; })`)
	if err := json.Unmarshal(raw, &rows); err != nil {
		b.Fatal(err)
	}
	var w strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&w, "\n  %6.0f – %6.0f ms %7.1f KiB  %-14s %s", r.Start, r.End, r.Size/1024, r.Type, r.Name)
	}
	busy := eval[[][2]float64](p, `(window.kwLongTasks || []).filter(e => e.startTime >= `+fmt.Sprint(start)+`).map(e => [e.startTime - `+fmt.Sprint(start)+`, e.startTime + e.duration - `+fmt.Sprint(start)+`])`)
	marks := eval[[]struct {
		Name string  `json:"name"`
		At   float64 `json:"at"`
	}](p, `performance.getEntriesByType('mark').filter(e => e.startTime >= `+fmt.Sprint(start)+`).map(e => ({name: e.name, at: e.startTime - `+fmt.Sprint(start)+`}))`)
	w.WriteString("\n  marks:")
	for _, m := range marks {
		fmt.Fprintf(&w, " %s %.0f", m.Name, m.At)
	}
	w.WriteString("\n  main thread busy (long tasks):")
	for _, t := range busy {
		fmt.Fprintf(&w, " %.0f–%.0f", t[0], t[1])
	}
	b.Logf("fetched after opening the item (start – end, transferred, initiator, path):%s", w.String())
}

// slowPhone makes tab p a cheap phone on slow 4G with a cold cache, as the
// budget is stated: 150 ms RTT, 1.6 Mbps down, 750 kbps up, CPU 4x slower.
func slowPhone(b *testing.B, p *tab) {
	b.Helper()
	if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{URLPattern: "", Latency: 150, DownloadThroughput: 1.6e6 / 8,
			UploadThroughput: 750e3 / 8, ConnectionType: network.ConnectionTypeCellular4g}}}); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4}); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, network.ClearBrowserCache, struct{}{}); err != nil {
		b.Fatal(err)
	}
}
