import{a as O,b as f}from"./chunk-UCRW3LE4.js";import{A as T,B as U,D as K,H as E,I as M,J as P,M as L,N as k,O as $,S,T as u,U as q,b as s,c as w,f as a,o as t,p as R,s as C,t as D,y as A}from"./chunk-D3LSNYGI.js";var b=r=>r.last4?t("pm.card",{brand:(r.brand||r.type||"").toUpperCase(),last4:r.last4}):r.type||r.id;function V(){let r=U(),[e,i]=s(null),[o,l]=s(null),[d,c]=s(null),[m,p]=s(""),y=async()=>{try{i(await M("/v1/billing/payment-methods")),l(null)}catch(n){l(n)}};if(w(()=>{r&&y()},[r&&r.user.id]),!r)return a`<${S} text=${t("pm.title")} /><p><a class="button" href=${A(["login"],{next:T()})}>${t("nav.login")}</a></p>`;let h=async(n,N)=>{c(null),p("");try{await n(),p(N),await y()}catch(g){c(g)}},_=e&&e.payment_methods||[];return a`
    <${S} text=${t("pm.title")} />
    <${$} error=${o} />
    ${!e&&!o&&a`<${q} />`}
    ${m&&a`<${u}>${m}</${u}>`}
    <${$} error=${d} />
    ${e&&_.length===0&&a`<p>${t("pm.none")}</p>`}
    ${_.length>0&&a`<ul class="methods" data-testid="methods">
      ${_.map(n=>a`<li key=${n.id} class="method">
        <span class="label">${b(n)}</span>
        ${n.exp_month&&a`<span class="meta">${t("pm.expires",{month:String(n.exp_month).padStart(2,"0"),year:String(n.exp_year)})}</span>`}
        ${n.default&&a`<span class="badge">${t("pm.default")}</span>`}
        ${n.status==="requires_action"&&a`<span class="badge warn">${t("pm.needsConfirm")}</span>`}
        ${n.status==="unusable"&&a`<span class="badge danger">${t("pm.unusable")}</span>`}
        <span class="tools">
          ${!n.default&&n.status==="saved"&&a`<button type="button" class="secondary" aria-label=${t("pm.makeDefaultOf",{card:b(n)})}
            onClick=${()=>h(()=>P(`/v1/billing/payment-methods/${k(n.id)}/default`),t("pm.defaultSet",{card:b(n)}))}>${t("pm.makeDefault")}</button>`}
          <button type="button" class="secondary danger" aria-label=${t("pm.removeOf",{card:b(n)})}
            onClick=${()=>confirm(t("pm.confirmRemove",{card:b(n)}))&&h(()=>L(`/v1/billing/payment-methods/${k(n.id)}`),t("pm.removed",{card:b(n)}))}>${t("pm.remove")}</button>
        </span>
      </li>`)}
    </ul>`}
    ${K(r,"learner")&&a`<${X} onSaved=${n=>{p(t("pay.savedCard",{brand:(n.brand||"").toUpperCase(),last4:n.last4||""})),y()}} />`}`}function X({onSaved:r}){let[e,i]=s("pm_card_visa"),[o,l]=s(!1),[d,c]=s(null),[m,p]=s(!1),[y,h]=s(null),[_,n]=s(E);return a`<form class="form pay" onSubmit=${async g=>{g.preventDefault(),p(!0),c(null),h(null);try{let v=e;f.payments==="stripe"&&(v=await(await import("./chunk-MDAXAODT.js")).collectPaymentMethod());let x=await P("/v1/billing/payment-methods",{payment_method_id:v,default:o},{idempotencyKey:_});n(E()),x.status==="requires_action"&&h(x),r(x)}catch(v){c(v.code==="stripe_unavailable"?{code:"stripe"}:v)}finally{p(!1)}}} aria-labelledby="add-pm-h">
    <h2 id="add-pm-h">${t("pm.add")}</h2>
    ${f.payments!=="stripe"&&a`<${O} value=${e} onChange=${i} />`}
    <div class="check"><input type="checkbox" id="pm-default" checked=${o} onChange=${g=>l(g.currentTarget.checked)} />
      <label for="pm-default">${t("pm.asDefault")}</label></div>
    <button type="submit" disabled=${m}>${t("pm.save")}</button>
    ${y&&a`<p class="note" data-testid="setup-action">${t("pm.setupAction",{id:y.setup_intent_id||""})}</p>`}
    ${d&&d.code==="stripe"?a`<${$} message=${t("pay.stripeUnavailable")} />`:a`<${$} error=${d} />`}
  </form>`}function Z({paymentId:r}){let[e,i]=s(null),[o,l]=s(null),[d,c]=s(!1);w(()=>{M(`/v1/billing/payments/${k(r)}/action`).then(i,l)},[r]);let m=async()=>{c(!0),l(null);try{await(await import("./chunk-MDAXAODT.js")).confirmPayment(e.client_secret,e.payment_method_id)}catch(p){l(p.code==="stripe_unavailable"?{code:"stripe"}:p)}finally{c(!1)}};return e&&e.instructions?a`<${B} act=${e} />`:a`<section class="threeds" aria-labelledby="threeds-h" data-testid="threeds">
    <h2 id="threeds-h">${t("pay.3ds.title")}</h2>
    <p>${t("pay.3ds.why")}</p>
    ${!e&&!o&&a`<${q} />`}
    ${e&&e.expires_at&&a`<p>${t("pay.3ds.until",{date:C(e.expires_at),time:D(e.expires_at)})}</p>`}
    ${e&&f.payments==="stripe"&&a`<button type="button" disabled=${d||!e.client_secret} onClick=${m}>${t("pay.3ds.confirm")}</button>`}
    ${e&&f.payments!=="stripe"&&a`<div class="note">
      <p>${t("pay.3ds.local")}</p>
      <p><code data-testid="payment-intent">${e.payment_intent_id}</code> · <span lang="en">${e.status}${e.next_action?" / "+e.next_action:""}</span></p>
    </div>`}
    <${u}>${t("pay.3ds.waiting")}</${u}>
    ${o&&o.code==="stripe"?a`<${$} message=${t("pay.stripeUnavailable")} />`:a`<${$} error=${o} />`}
  </section>`}function B({act:r}){let e=r.instructions,i=(o,l,d)=>l&&a`<div><dt>${o}</dt><dd><code data-testid=${d}>${l}</code></dd></div>`;return a`<section class="paylater" aria-labelledby="paylater-h" data-testid="paylater">
    <h2 id="paylater-h">${t("paylater.title."+e.kind)}</h2>
    <p>${t("paylater.how."+e.method)}</p>
    <dl class="voucher">
      ${i(t("paylater.number"),e.number,"voucher-number")}
      ${i(t("paylater.confirmation"),e.confirmation_number,"voucher-confirmation")}
      ${i(t("paylater.bank"),e.bank_name,"bank-name")}
      ${i(t("paylater.account"),e.bank_account,"bank-account")}
      ${i(t("paylater.reference"),e.reference,"reference")}
      ${e.amount_remaining>0&&a`<div><dt>${t("paylater.amount")}</dt><dd>${R({amount:e.amount_remaining,currency:H[e.method]||"MXN"})}</dd></div>`}
      ${e.expires_at&&a`<div><dt>${t("paylater.until")}</dt><dd>${C(e.expires_at)} ${D(e.expires_at)}</dd></div>`}
    </dl>
    ${e.qr_data&&a`<p>${t("paylater.qr")} <code>${e.qr_data}</code></p>`}
    ${e.hosted_instructions_url&&a`<p><a href=${e.hosted_instructions_url} target="_blank" rel="noopener noreferrer">${t("paylater.hosted")}</a></p>`}
    ${e.redirect_url&&a`<p><a class="button" href=${e.redirect_url} rel="noopener noreferrer">${t("paylater.open."+e.method)}</a></p>`}
    ${f.payments!=="stripe"&&a`<p class="note">${t("paylater.local")} <code data-testid="payment-id">${r.payment_id}</code></p>`}
    <${u}>${t("paylater.waiting")}</${u}>
  </section>`}var H={konbini:"JPY",oxxo:"MXN",customer_balance:"MXN",qris:"IDR",gopay:"IDR"};export{Z as PaymentAction,V as PaymentMethods};
