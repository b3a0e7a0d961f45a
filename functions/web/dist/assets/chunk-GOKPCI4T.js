import{a as g,b as I,c as K,d as W,e as Y}from"./chunk-NU5PSPQP.js";import"./chunk-E6AOGKBP.js";import{b as T,d as B,e as O,g as U,k as P,l as R,m as X,p as H,q as _}from"./chunk-VN75DZ5U.js";import{D as q,E as $,F as N,b as o,c as D,e as A,f as e,n as S,q as t,r as L,u as E,v as M,z as b}from"./chunk-N376T5NL.js";var f=s=>s.last4?t("pm.card",{brand:(s.brand||s.type||"").toUpperCase(),last4:s.last4}):s.type||s.id;function rt(){let s=O(),[a,n]=o(null),[d,l]=o(null),[i,m]=o(null),[p,c]=o(""),u=async()=>{try{n(await R("/v1/billing/payment-methods")),l(null)}catch(r){l(r)}};if(D(()=>{s&&u()},[s&&s.user.id]),!s)return e`<${q} text=${t("pm.title")} /><p><a class="button" href=${T(["login"],{next:B()})}>${t("nav.login")}</a></p>`;let h=async(r,v)=>{m(null),c("");try{await r(),c(v),await u()}catch(k){m(k)}},y=a&&a.payment_methods||[];return e`
    <${q} text=${t("pm.title")} />
    <${b} error=${d} />
    ${!a&&!d&&e`<${N} />`}
    ${p&&e`<${$}>${p}</${$}>`}
    <${b} error=${i} />
    ${a&&y.length===0&&e`<p>${t("pm.none")}</p>`}
    ${y.length>0&&e`<ul class="methods" data-testid="methods">
      ${y.map(r=>e`<li key=${r.id} class="method">
        <span class="label">${f(r)}</span>
        ${r.exp_month&&e`<span class="meta">${t("pm.expires",{month:String(r.exp_month).padStart(2,"0"),year:String(r.exp_year)})}</span>`}
        ${r.default&&e`<span class="badge">${t("pm.default")}</span>`}
        ${r.status==="requires_action"&&e`<span class="badge warn">${t("pm.needsConfirm")}</span>`}
        ${r.status==="unusable"&&e`<span class="badge danger">${t("pm.unusable")}</span>`}
        <span class="tools">
          ${!r.default&&r.status==="saved"&&e`<button type="button" class="secondary" aria-label=${t("pm.makeDefaultOf",{card:f(r)})}
            onClick=${()=>h(()=>X(`/v1/billing/payment-methods/${_(r.id)}/default`),t("pm.defaultSet",{card:f(r)}))}>${t("pm.makeDefault")}</button>`}
          <button type="button" class="secondary danger" aria-label=${t("pm.removeOf",{card:f(r)})}
            onClick=${()=>confirm(t("pm.confirmRemove",{card:f(r)}))&&h(()=>H(`/v1/billing/payment-methods/${_(r.id)}`),t("pm.removed",{card:f(r)}))}>${t("pm.remove")}</button>
        </span>
      </li>`)}
    </ul>`}
    ${U(s,"learner")&&e`<${J} onSaved=${r=>{c(t("pay.savedCard",{brand:(r.brand||"").toUpperCase(),last4:r.last4||""})),u()}} />`}`}function J({onSaved:s}){let a=S(),n=A(null),[d,l]=o("pm_card_visa"),[i,m]=o(!1),[p,c]=o(null),[u,h]=o(!1),[y,r]=o(null),[v,k]=o(P);return e`<form class="form pay" onSubmit=${async x=>{x.preventDefault(),h(!0),c(null),r(null);try{let C=await K(d,n),w=await W(C,{makeDefault:i,key:v,lang:a});k(P()),w.status==="requires_action"&&r(w),s(w)}catch(C){c(C)}finally{h(!1)}}} aria-labelledby="add-pm-h">
    <h2 id="add-pm-h">${t("pm.add")}</h2>
    <${I} value=${d} onChange=${l} handle=${n} />
    <div class="check"><input type="checkbox" id="pm-default" checked=${i} onChange=${x=>m(x.currentTarget.checked)} />
      <label for="pm-default">${t("pm.asDefault")}</label></div>
    <button type="submit" disabled=${u}>${t("pm.save")}</button>
    ${y&&e`<p class="note" data-testid="setup-action">${t("pm.setupAction",{id:y.setup_intent_id||""})}</p>`}
    <${b} error=${p} />
  </form>`}function st({paymentId:s}){let a=S(),[n,d]=o(null),[l,i]=o(null),[m,p]=o(!1);D(()=>{R(`/v1/billing/payments/${_(s)}/action`).then(d,i)},[s]);let c=async()=>{p(!0),i(null);try{await Y(n.client_secret,n.payment_method_id,a)}catch(u){i(u)}finally{p(!1)}};return n&&n.instructions?e`<${j} act=${n} />`:e`<section class="threeds" aria-labelledby="threeds-h" data-testid="threeds">
    <h2 id="threeds-h">${t("pay.3ds.title")}</h2>
    <p>${t("pay.3ds.why")}</p>
    ${!n&&!l&&e`<${N} />`}
    ${n&&n.expires_at&&e`<p>${t("pay.3ds.until",{date:E(n.expires_at),time:M(n.expires_at)})}</p>`}
    ${n&&g()&&e`<button type="button" disabled=${m||!n.client_secret} onClick=${c}>${t("pay.3ds.confirm")}</button>`}
    ${n&&!g()&&e`<div class="note">
      <p>${t("pay.3ds.local")}</p>
      <p><code data-testid="payment-intent">${n.payment_intent_id}</code> · <span lang="en">${n.status}${n.next_action?" / "+n.next_action:""}</span></p>
    </div>`}
    <${$}>${t("pay.3ds.waiting")}</${$}>
    <${b} error=${l} />
  </section>`}function j({act:s}){let a=s.instructions,n=(d,l,i)=>l&&e`<div><dt>${d}</dt><dd><code data-testid=${i}>${l}</code></dd></div>`;return e`<section class="paylater" aria-labelledby="paylater-h" data-testid="paylater">
    <h2 id="paylater-h">${t("paylater.title."+a.kind)}</h2>
    <p>${t("paylater.how."+a.method)}</p>
    <dl class="voucher">
      ${n(t("paylater.number"),a.number,"voucher-number")}
      ${n(t("paylater.confirmation"),a.confirmation_number,"voucher-confirmation")}
      ${n(t("paylater.bank"),a.bank_name,"bank-name")}
      ${n(t("paylater.account"),a.bank_account,"bank-account")}
      ${n(t("paylater.reference"),a.reference,"reference")}
      ${a.amount_remaining>0&&e`<div><dt>${t("paylater.amount")}</dt><dd>${L({amount:a.amount_remaining,currency:z[a.method]||"MXN"})}</dd></div>`}
      ${a.expires_at&&e`<div><dt>${t("paylater.until")}</dt><dd>${E(a.expires_at)} ${M(a.expires_at)}</dd></div>`}
    </dl>
    ${a.qr_data&&e`<p>${t("paylater.qr")} <code>${a.qr_data}</code></p>`}
    ${a.hosted_instructions_url&&e`<p><a href=${a.hosted_instructions_url} target="_blank" rel="noopener noreferrer">${t("paylater.hosted")}</a></p>`}
    ${a.redirect_url&&e`<p><a class="button" href=${a.redirect_url} rel="noopener noreferrer">${t("paylater.open."+a.method)}</a></p>`}
    ${!g()&&e`<p class="note">${t("paylater.local")} <code data-testid="payment-id">${s.payment_id}</code></p>`}
    <${$}>${t("paylater.waiting")}</${$}>
  </section>`}var z={konbini:"JPY",oxxo:"MXN",customer_balance:"MXN",qris:"IDR",gopay:"IDR"};export{st as PaymentAction,rt as PaymentMethods};
