package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kwipper/kwipper/shared/devstack/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// -screenshots writes the journeys' screenshots into screenshots/ (for the
// README); without it they go to a temporary directory.
var saveScreenshots = flag.Bool("screenshots", false, "write the browser tests' screenshots into functions/web/screenshots")

//go:embed testdata/axe.min.js
var axeSource string

// chromiumPath finds Debian's Chromium; the browser tests fail (never skip)
// without it.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("KW_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("Chromium is not installed: the web app's tests run in a real browser (apt-get install chromium)")
	return ""
}

// startBrowser starts a headless Chromium with a fresh profile for the
// test, with the flags this closed network needs (no background
// connections, no QUIC).
func startBrowser(t testing.TB) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("lang", "en-US"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return bctx
}

// tab is one user's browser tab, in a browser context of its own (its own
// storage), with its language.
type tab struct {
	t        testing.TB
	ctx      context.Context
	base     string
	name     string
	mu       sync.Mutex
	problems []string
	axed     bool
	axe      []axeResult
}

func newTab(t testing.TB, bctx context.Context, base, name, lang string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &tab{t: t, ctx: ctx, base: base, name: name}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("%s: open tab: %v", name, err)
	}
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: v.UserAgent, AcceptLanguage: lang}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: strings.ReplaceAll(lang, "-", "_")}); err != nil {
		t.Fatal(err)
	}
	// Confirmations (cancel, remove) are accepted.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	// Uncaught exceptions and policy violations fail the test.
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			text := m.String()
			if m.IsException() || strings.Contains(text, "Content Security Policy") || strings.Contains(text, "Trusted Type") {
				p.mu.Lock()
				p.problems = append(p.problems, fmt.Sprintf("%s: %s (%s:%d)", m.Type, text, m.URL, m.Line+1))
				p.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, pr := range p.problems {
			t.Errorf("%s's page: %s", name, pr)
		}
	})
	return p
}

func (p *tab) fail(format string, args ...any) {
	p.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if shot, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100)); err == nil {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("kwipper-web-failure-%s-%d.png", p.name, time.Now().UnixNano()))
		if os.WriteFile(path, shot, 0o644) == nil {
			msg += "\nscreenshot: " + path
		}
	}
	if body, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById('app') ? document.getElementById('app').innerText : ''`)); err == nil {
		msg += "\npage text:\n" + body
	}
	p.t.Fatalf("%s: %s", p.name, msg)
}

func (p *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fail("%v", err)
	}
}

func eval[T any](p *tab, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fail("evaluate %s: %v", js, err)
	}
	return v
}

// wait polls a JavaScript condition (chromedp's Poll compiles its predicate
// with new Function, which the page's policy forbids).
func (p *tab) wait(what, cond string, limit time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.fail("%s: not within %s (%s)", what, limit, cond)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitText waits for text to appear in what selector matches.
func (p *tab) waitText(sel, text string) {
	p.t.Helper()
	p.wait("text "+text, fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.textContent.includes(%s))`, js(sel), js(text)), 30*time.Second)
}

// goTo follows an in-app link to the route (the document stays: the
// access token is in memory only).
func (p *tab) goTo(hash string) {
	p.t.Helper()
	eval[chromedp.Void](p, `location.hash = `+js(hash))
	p.wait("route "+hash, `location.hash === `+js(hash)+` && !document.querySelector('main .loading')`, 15*time.Second)
}

// clickLink clicks the link whose text (or label) contains text.
func (p *tab) clickLink(text string) {
	p.t.Helper()
	p.wait("link "+text, fmt.Sprintf(`[...document.querySelectorAll('a')].some(a => (a.textContent + (a.getAttribute('aria-label')||'')).includes(%s))`, js(text)), 20*time.Second)
	href := eval[string](p, fmt.Sprintf(`[...document.querySelectorAll('a')].find(a => (a.textContent + (a.getAttribute('aria-label')||'')).includes(%s)).getAttribute('href')`, js(text)))
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href=%s]`, js(href)))))
}

// clickButton clicks the enabled button whose text contains text.
func (p *tab) clickButton(text string) {
	p.t.Helper()
	find := fmt.Sprintf(`[...document.querySelectorAll('button')].find(b => !b.disabled && b.textContent.includes(%s))`, js(text))
	p.wait("button "+text, find, 20*time.Second)
	eval[chromedp.Void](p, `(`+find+`).setAttribute('data-click', '1')`)
	p.do(chromedp.Click(chromedp.CSS(`button[data-click="1"]`)))
	eval[chromedp.Void](p, `document.querySelector('button[data-click="1"]')?.removeAttribute('data-click')`)
}

// typeInto types into a field as a person would (key events).
func (p *tab) typeInto(sel, text string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Focus(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+js(sel)+`).select?.()`),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

// choose picks an option of a select (or sets a checkbox) and fires the
// events a person's choice fires.
func (p *tab) choose(sel, value string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	eval[chromedp.Void](p, fmt.Sprintf(`(() => { const e = document.querySelector(%s);
		if (e.type === 'checkbox' || e.type === 'radio') { if (String(e.checked) !== %s) e.click(); return; }
		e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()`, js(sel), js(value), js(value)))
}

func (p *tab) screenshot(name string) {
	p.t.Helper()
	shot, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.fail("screenshot: %v", err)
	}
	dir := p.t.TempDir()
	if *saveScreenshots {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// axeResult is one page's axe-core run.
type axeResult struct {
	Page       string
	Violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
}

// checkAccessible runs axe-core (vendored, testdata/axe.min.js) on the page
// as it is: serious and critical violations fail the test, others are
// logged. Then it checks the page works by keyboard: the first Tab reaches
// the skip link, which moves focus to the main content, and Tab then goes
// through visible controls in document order (no positive tabindex).
func (p *tab) checkAccessible(page string) {
	p.t.Helper()
	// (again after a reload)
	if !p.axed || eval[bool](p, `typeof axe === 'undefined'`) {
		eval[chromedp.Void](p, axeSource)
		p.axed = true
	}
	raw := eval[[]byte](p, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v =>
		({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`)
	var res axeResult
	res.Page = page
	if err := json.Unmarshal(raw, &res.Violations); err != nil {
		p.t.Fatal(err)
	}
	p.axe = append(p.axe, res)
	for _, v := range res.Violations {
		msg := fmt.Sprintf("axe on %s: %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			p.t.Error(msg)
		} else {
			p.t.Log(msg)
		}
	}
	if len(res.Violations) == 0 {
		p.t.Logf("axe on %s (%s): no violations", page, p.name)
	}
	p.checkKeyboard(page)
}

func (p *tab) checkKeyboard(page string) {
	p.t.Helper()
	// Start as a page load does: focus before the first element.
	eval[chromedp.Void](p, `(() => { const s = document.createElement('span'); s.tabIndex = -1; s.id = 'kw-start';
		document.body.prepend(s); s.focus(); })()`)
	p.do(chromedp.KeyEvent(kb.Tab))
	eval[chromedp.Void](p, `document.getElementById('kw-start').remove()`)
	if cls := eval[string](p, `document.activeElement.className`); cls != "skip" {
		p.fail("%s: the first Tab focuses %q, not the skip link", page, cls)
	}
	p.do(chromedp.KeyEvent(kb.Enter))
	if id := eval[string](p, `document.activeElement.id`); id != "main" {
		p.fail("%s: the skip link moves focus to %q, not the main content", page, id)
	}
	var prev string
	order := []string{}
	for i := 0; i < 40; i++ {
		p.do(chromedp.KeyEvent(kb.Tab))
		var st struct {
			Tag, Desc     string
			Visible, Main bool
			After, Pos    bool
		}
		b := eval[[]byte](p, `(() => { const e = document.activeElement; const r = e.getBoundingClientRect();
			const prev = window.__kwPrevFocus; window.__kwPrevFocus = e;
			return {tag: e.tagName, desc: e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 30),
				visible: r.width > 0 && r.height > 0, main: e === document.body || e === document.documentElement,
				after: !prev || prev === e || !!(prev.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) || !document.contains(prev),
				pos: e.tabIndex > 0}; })()`)
		if err := json.Unmarshal(b, &st); err != nil {
			p.t.Fatal(err)
		}
		if st.Main || st.Desc == prev {
			break
		}
		if !st.After {
			// Tab wrapped around to the top: the walk is complete.
			break
		}
		if !st.Visible {
			p.fail("%s: Tab focuses an invisible element %s", page, st.Desc)
		}
		if st.Pos {
			p.fail("%s: %s has a positive tabindex", page, st.Desc)
		}
		order = append(order, st.Desc)
		prev = st.Desc
	}
	eval[chromedp.Void](p, `window.__kwPrevFocus = null`)
	if len(order) == 0 {
		p.fail("%s: nothing in the main content takes keyboard focus", page)
	}
	p.t.Logf("keyboard on %s (%s): %d stops after the skip link: %s", page, p.name, len(order), strings.Join(order, " | "))
}
