import{a as N,b as _}from"./chunk-YKTH7G5Z.js";import{A as q,C as B,G as C,H as S,I as D,L,M as x,N as d,R as E,S as v,T as P,b as r,c as w,e as a,n as t,r as M,s as T,x as U,z as K}from"./chunk-STKB7P6C.js";var $=n=>n.last4?t("pm.card",{brand:(n.brand||n.type||"").toUpperCase(),last4:n.last4}):n.type||n.id;function V(){let n=q(),[s,y]=r(null),[o,l]=r(null),[c,p]=r(null),[m,i]=r(""),u=async()=>{try{y(await S("/v1/billing/payment-methods")),l(null)}catch(e){l(e)}};if(w(()=>{n&&u()},[n&&n.user.id]),!n)return a`<${E} text=${t("pm.title")} /><p><a class="button" href=${U(["login"],{next:K()})}>${t("nav.login")}</a></p>`;let f=async(e,A)=>{p(null),i("");try{await e(),i(A),await u()}catch(h){p(h)}},b=s&&s.payment_methods||[];return a`
    <${E} text=${t("pm.title")} />
    <${d} error=${o} />
    ${!s&&!o&&a`<${P} />`}
    ${m&&a`<${v}>${m}</${v}>`}
    <${d} error=${c} />
    ${s&&b.length===0&&a`<p>${t("pm.none")}</p>`}
    ${b.length>0&&a`<ul class="methods" data-testid="methods">
      ${b.map(e=>a`<li key=${e.id} class="method">
        <span class="label">${$(e)}</span>
        ${e.exp_month&&a`<span class="meta">${t("pm.expires",{month:String(e.exp_month).padStart(2,"0"),year:String(e.exp_year)})}</span>`}
        ${e.default&&a`<span class="badge">${t("pm.default")}</span>`}
        ${e.status==="requires_action"&&a`<span class="badge warn">${t("pm.needsConfirm")}</span>`}
        ${e.status==="unusable"&&a`<span class="badge danger">${t("pm.unusable")}</span>`}
        <span class="tools">
          ${!e.default&&e.status==="saved"&&a`<button type="button" class="secondary" aria-label=${t("pm.makeDefaultOf",{card:$(e)})}
            onClick=${()=>f(()=>D(`/v1/billing/payment-methods/${x(e.id)}/default`),t("pm.defaultSet",{card:$(e)}))}>${t("pm.makeDefault")}</button>`}
          <button type="button" class="secondary danger" aria-label=${t("pm.removeOf",{card:$(e)})}
            onClick=${()=>confirm(t("pm.confirmRemove",{card:$(e)}))&&f(()=>L(`/v1/billing/payment-methods/${x(e.id)}`),t("pm.removed",{card:$(e)}))}>${t("pm.remove")}</button>
        </span>
      </li>`)}
    </ul>`}
    ${B(n,"learner")&&a`<${O} onSaved=${e=>{i(t("pay.savedCard",{brand:(e.brand||"").toUpperCase(),last4:e.last4||""})),u()}} />`}`}function O({onSaved:n}){let[s,y]=r("pm_card_visa"),[o,l]=r(!1),[c,p]=r(null),[m,i]=r(!1),[u,f]=r(null),[b,e]=r(C);return a`<form class="form pay" onSubmit=${async h=>{h.preventDefault(),i(!0),p(null),f(null);try{let g=s;_.payments==="stripe"&&(g=await(await import("./chunk-MDAXAODT.js")).collectPaymentMethod());let k=await D("/v1/billing/payment-methods",{payment_method_id:g,default:o},{idempotencyKey:b});e(C()),k.status==="requires_action"&&f(k),n(k)}catch(g){p(g.code==="stripe_unavailable"?{code:"stripe"}:g)}finally{i(!1)}}} aria-labelledby="add-pm-h">
    <h2 id="add-pm-h">${t("pm.add")}</h2>
    ${_.payments!=="stripe"&&a`<${N} value=${s} onChange=${y} />`}
    <div class="check"><input type="checkbox" id="pm-default" checked=${o} onChange=${h=>l(h.currentTarget.checked)} />
      <label for="pm-default">${t("pm.asDefault")}</label></div>
    <button type="submit" disabled=${m}>${t("pm.save")}</button>
    ${u&&a`<p class="note" data-testid="setup-action">${t("pm.setupAction",{id:u.setup_intent_id||""})}</p>`}
    ${c&&c.code==="stripe"?a`<${d} message=${t("pay.stripeUnavailable")} />`:a`<${d} error=${c} />`}
  </form>`}function X({paymentId:n}){let[s,y]=r(null),[o,l]=r(null),[c,p]=r(!1);w(()=>{S(`/v1/billing/payments/${x(n)}/action`).then(y,l)},[n]);let m=async()=>{p(!0),l(null);try{await(await import("./chunk-MDAXAODT.js")).confirmPayment(s.client_secret,s.payment_method_id)}catch(i){l(i.code==="stripe_unavailable"?{code:"stripe"}:i)}finally{p(!1)}};return a`<section class="threeds" aria-labelledby="threeds-h" data-testid="threeds">
    <h2 id="threeds-h">${t("pay.3ds.title")}</h2>
    <p>${t("pay.3ds.why")}</p>
    ${!s&&!o&&a`<${P} />`}
    ${s&&s.expires_at&&a`<p>${t("pay.3ds.until",{date:M(s.expires_at),time:T(s.expires_at)})}</p>`}
    ${s&&_.payments==="stripe"&&a`<button type="button" disabled=${c||!s.client_secret} onClick=${m}>${t("pay.3ds.confirm")}</button>`}
    ${s&&_.payments!=="stripe"&&a`<div class="note">
      <p>${t("pay.3ds.local")}</p>
      <p><code data-testid="payment-intent">${s.payment_intent_id}</code> · <span lang="en">${s.status}${s.next_action?" / "+s.next_action:""}</span></p>
    </div>`}
    <${v}>${t("pay.3ds.waiting")}</${v}>
    ${o&&o.code==="stripe"?a`<${d} message=${t("pay.stripeUnavailable")} />`:a`<${d} error=${o} />`}
  </section>`}export{X as PaymentAction,V as PaymentMethods};
