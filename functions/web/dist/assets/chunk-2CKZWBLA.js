import{a as V}from"./chunk-XRKREND2.js";import{a as j,b as Y}from"./chunk-UCRW3LE4.js";import{A as J,B as K,D as I,H as U,I as x,J as q,N as P,O as R,S as N,T as v,U as O,b as c,c as C,f as a,o as e,p as X,s as F,y as M}from"./chunk-D3LSNYGI.js";var z=["pending","active","past_due","refunding"];function Q(n){if(!n||!n.reason_code)return n&&n.reason?e("sub.reason.other",{reason:n.reason}):"";let s="sub.reason."+n.reason_code,t=e(s);return t===s?e("sub.reason.other",{reason:n.reason||n.reason_code}):t}var W={konbini:"JPY",oxxo:"MXN",customer_balance:"MXN",qris:"IDR",gopay:"IDR"};async function B(n,{signal:s,timeoutMs:t=9e4,waitAction:d=!1}={}){let u=Date.now()+t,f=500;for(;;){let o=await x("/v1/subscriptions/"+P(n),{signal:s});if(o.status!=="pending"||o.action&&!d||Date.now()>u)return o;await new Promise(y=>setTimeout(y,f)),f=Math.min(f*1.5,3e3)}}function $e({id:n}){let s=K(),[t,d]=c(null),[u,f]=c([]),[o,y]=c(null),[_,D]=c(null),[$,E]=c(0);C(()=>{let r=!0;return(async()=>{try{let[p,w]=await Promise.all([x("/v1/courses/"+P(n)),x("/v1/courses/"+P(n)+"/items")]);if(!r)return;if(d(p),f(w.items||[]),D(null),I(s,"learner")){let A=((await x("/v1/subscriptions")).subscriptions||[]).filter(k=>k.course_id===n);r&&y(A.find(k=>z.includes(k.status))||null)}}catch(p){r&&D(p)}})(),()=>{r=!1}},[n,s&&s.token,$]);let h=!!t&&!!s&&(s.user.id===t.tutor_id||!!o&&["active","past_due"].includes(o.status))&&u.some(r=>r.kind==="video"&&r.content_status==="ready");if(C(()=>{if(!h||navigator.connection&&navigator.connection.saveData)return;let r=()=>import("./chunk-YUSS6EBP.js").catch(()=>{});if(window.requestIdleCallback){let w=requestIdleCallback(r,{timeout:3e3});return()=>cancelIdleCallback(w)}let p=setTimeout(r,1e3);return()=>clearTimeout(p)},[h]),_&&!t)return a`<${N} text=${e("error."+_.code)||e("error.other")} /><${R} error=${_} />`;if(!t)return a`<${O} />`;let g=s&&s.user.id===t.tutor_id,b=g||o&&["active","past_due"].includes(o.status);return a`
    <article class="course">
      <${N} text=${t.title} />
      ${t.status!=="published"&&a`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${t.tutor_name?e("course.by",{name:t.tutor_name}):e("course.byUnknown")}</p>
      ${t.tutor_id&&a`<p><a href=${M([],{tutor_id:t.tutor_id})}>${e("course.moreByTutor",{name:t.tutor_name||""})}</a></p>`}
      <p class="price big">${V(t)}</p>
      <p class="meta">${e("course.items",{n:t.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:t.subscriber_count})}</span></p>
      ${t.description&&a`<p class="description">${t.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${u.length===0&&a`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${u.map(r=>a`<li key=${r.id}>
            <span class="kind">${e("kind."+r.kind)}</span>
            ${b&&(r.kind==="text"||r.content_status==="ready")?a`<a href=${M(["courses",t.id,"items",r.id],r.kind==="video"?{kind:"video"}:null)} aria-label=${e("course.open",{title:r.title})}>${r.title}</a>`:a`<span>${r.title}</span>`}
            ${b&&r.kind!=="text"&&r.content_status!=="ready"&&a` <span class="badge">${e("course.notReady")}</span>`}
            ${!b&&a` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${g&&a`<p class="note">${e("course.ownCourse")} <a href=${M(["tutor","courses",t.id])}>${e("course.edit")}</a></p>`}
      ${!g&&a`<${ee} course=${t} sub=${o} onChange=${r=>{y(r),r&&r.status!=="pending"&&E(p=>p+1)}} />`}
    </article>
  `}var T=null;function Z(n){let[,s]=c(!!T);if(C(()=>{T||import("./chunk-AV2UQWO6.js").then(d=>(T=d,s(!0)))},[]),!T)return a`<${O} />`;let{PaymentAction:t}=T;return a`<${t} ...${n} />`}function ee({course:n,sub:s,onChange:t}){let d=K(),[u,f]=c("pm_card_visa"),[o,y]=c("card"),[_,D]=c([]),[$,E]=c(null),[h,g]=c(!1),[b,r]=c(null),[p,w]=c(null),[H,A]=c(!1),[k,G]=c(U);return C(()=>{if(!s||s.status!=="pending"||h)return;let i=new AbortController;return B(s.id,{signal:i.signal,waitAction:!0,timeoutMs:30*6e4}).then(t,()=>{}),()=>i.abort()},[s&&s.id]),C(()=>{!d||!I(d,"learner")||x("/v1/billing/payment-methods").then(i=>{D((i.available||[]).filter(l=>l.type!=="card"&&W[l.type]===n.price.currency)),E((i.payment_methods||[]).find(l=>l.default&&l.status==="saved")||null)},()=>D([]))},[d&&d.user.id,n.id]),d?I(d,"learner")?s&&s.status==="pending"&&s.action?a`<${Z} paymentId=${s.action.payment_id} />`:s&&s.status==="pending"?a`<${v}>${e("pay.processing")}</${v}>`:s&&z.includes(s.status)?a`<div class="subscribed">
      <${v}>${H?e("pay.active"):e("course.subscribed")} ${e("sub.status."+s.status)}${s.period_end?" · "+e(s.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:F(s.period_end)}):""}</${v}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:n.status!=="published"?null:a`<form class="pay" onSubmit=${async i=>{i.preventDefault(),g(!0),r(null),w(null);try{let l={course_id:n.id};if(o!=="saved")if(o==="card"){let S=u;Y.payments==="stripe"&&(S=await(await import("./chunk-MDAXAODT.js")).collectPaymentMethod()),await q("/v1/billing/payment-methods",{payment_method_id:S,default:!0},{idempotencyKey:k+"-card"})}else l.payment_method_type=o;let L=await q("/v1/subscriptions",l,{idempotencyKey:k});t(L);let m=await B(L.id);if(m.status==="pending"&&m.action){t(m);let S=Date.parse(m.action.expires_at)-Date.now();m=await B(L.id,{waitAction:!0,timeoutMs:(S>0?S:0)+6e4})}G(U()),m.status==="failed"?(w(m),t(null)):(A(!0),t(m))}catch(l){r(l.code==="stripe_unavailable"?{code:"stripe"}:l)}finally{g(!1)}}} aria-labelledby="pay-h" aria-busy=${h?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${(_.length>0||$)&&a`<fieldset class="methods-choice">
      <legend>${e("pay.how")}</legend>
      ${$&&a`<div class="check" key="saved">
        <input type="radio" name="pay-method" id="method-saved" value="saved" checked=${o==="saved"} onChange=${()=>y("saved")} />
        <label for="method-saved">${e("pay.withSaved",{card:e("pm.card",{brand:($.brand||$.type||"").toUpperCase(),last4:$.last4||""})})}</label></div>`}
      ${[{type:"card"},..._].map(i=>a`<div class="check" key=${i.type}>
        <input type="radio" name="pay-method" id=${"method-"+i.type} value=${i.type} checked=${o===i.type} onChange=${()=>y(i.type)} />
        <label for=${"method-"+i.type}>${e($&&i.type==="card"?"pay.newCard":"method."+i.type)}</label></div>`)}
      ${o!=="card"&&o!=="saved"&&a`<p class="hint">${e("pay.laterHint")}</p>`}
    </fieldset>`}
    ${o==="card"&&Y.payments!=="stripe"&&a`<${j} value=${u} onChange=${f} />`}
    <button type="submit" disabled=${h}>${e("pay.submit",{price:X(n.price)})}</button>
    ${h&&a`<${v}>${e("pay.processing")}</${v}>`}
    ${p&&a`<div class="error" role="alert" data-testid="pay-failed"><p>${Q(p)}</p><p>${e("pay.failed")}</p></div>`}
    ${b&&b.code==="stripe"?a`<${R} message=${e("pay.stripeUnavailable")} />`:a`<${R} error=${b} />`}
  </form>`:a`<p class="note">${e("course.learnerOnly")}</p>`:a`<p><a class="button" href=${M(["login"],{next:J()})}>${e("course.loginToSubscribe")}</a></p>`}export{Q as a,B as b,$e as c};
