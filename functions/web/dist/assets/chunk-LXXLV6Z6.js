import{a as F}from"./chunk-4PNDLDXF.js";import{A as P,C as E,G as R,H as w,I,M as x,N as T,R as K,S as d,T as B,b as o,c as D,e as s,n as e,o as O,r as q,x as v,z as A}from"./chunk-HNQX7CN7.js";var J=["pm_card_visa","pm_card_chargeDeclined","pm_card_chargeDeclinedInsufficientFunds","pm_card_authenticationRequired"];function N({value:a,onChange:r}){return s`<fieldset class="cards-picker">
    <legend>${e("pay.card")}</legend>
    <p class="hint">${e("pay.testNotice")}</p>
    ${J.map(t=>s`<div class="radio">
      <input type="radio" id=${"card-"+t} name="card" value=${t} checked=${a===t} onChange=${()=>r(t)} />
      <label for=${"card-"+t}>${e("pay.card."+t)}</label>
    </div>`)}
  </fieldset>`}function V(){try{return JSON.parse(document.querySelector('meta[name="kw-config"]').content)}catch{return{}}}var M={payments:"test-cards",...V()};var H=["pending","active","past_due","refunding"];function j(a){if(!a||!a.reason_code)return a&&a.reason?e("sub.reason.other",{reason:a.reason}):"";let r="sub.reason."+a.reason_code,t=e(r);return t===r?e("sub.reason.other",{reason:a.reason||a.reason_code}):t}async function U(a,{signal:r,timeoutMs:t=9e4}={}){let $=Date.now()+t,c=500;for(;;){let m=await w("/v1/subscriptions/"+x(a),{signal:r});if(m.status!=="pending"||Date.now()>$)return m;await new Promise(i=>setTimeout(i,c)),c=Math.min(c*1.5,3e3)}}function le({id:a}){let r=P(),[t,$]=o(null),[c,m]=o([]),[i,y]=o(null),[l,b]=o(null),[k,S]=o(0);if(D(()=>{let n=!0;return(async()=>{try{let[p,L]=await Promise.all([w("/v1/courses/"+x(a)),w("/v1/courses/"+x(a)+"/items")]);if(!n)return;if($(p),m(L.items||[]),b(null),E(r,"learner")){let u=((await w("/v1/subscriptions")).subscriptions||[]).filter(f=>f.course_id===a);n&&y(u.find(f=>H.includes(f.status))||null)}}catch(p){n&&b(p)}})(),()=>{n=!1}},[a,r&&r.token,k]),l&&!t)return s`<${K} text=${e("error."+l.code)||e("error.other")} /><${T} error=${l} />`;if(!t)return s`<${B} />`;let h=r&&r.user.id===t.tutor_id,_=h||i&&["active","past_due"].includes(i.status);return s`
    <article class="course">
      <${K} text=${t.title} />
      ${t.status!=="published"&&s`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${t.tutor_name?e("course.by",{name:t.tutor_name}):e("course.byUnknown")}</p>
      ${t.tutor_id&&s`<p><a href=${v([],{tutor_id:t.tutor_id})}>${e("course.moreByTutor",{name:t.tutor_name||""})}</a></p>`}
      <p class="price big">${F(t)}</p>
      <p class="meta">${e("course.items",{n:t.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:t.subscriber_count})}</span></p>
      ${t.description&&s`<p class="description">${t.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${c.length===0&&s`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${c.map(n=>s`<li key=${n.id}>
            <span class="kind">${e("kind."+n.kind)}</span>
            ${_&&(n.kind==="text"||n.content_status==="ready")?s`<a href=${v(["courses",t.id,"items",n.id])} aria-label=${e("course.open",{title:n.title})}>${n.title}</a>`:s`<span>${n.title}</span>`}
            ${_&&n.kind!=="text"&&n.content_status!=="ready"&&s` <span class="badge">${e("course.notReady")}</span>`}
            ${!_&&s` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${h&&s`<p class="note">${e("course.ownCourse")} <a href=${v(["tutor","courses",t.id])}>${e("course.edit")}</a></p>`}
      ${!h&&s`<${z} course=${t} sub=${i} onChange=${n=>{y(n),n&&n.status!=="pending"&&S(p=>p+1)}} />`}
    </article>
  `}function z({course:a,sub:r,onChange:t}){let $=P(),[c,m]=o("pm_card_visa"),[i,y]=o(!1),[l,b]=o(null),[k,S]=o(null),[h,_]=o(!1),[n,p]=o(R);return D(()=>{if(!r||r.status!=="pending"||i)return;let g=new AbortController;return U(r.id,{signal:g.signal}).then(t,()=>{}),()=>g.abort()},[r&&r.id]),$?E($,"learner")?r&&r.status==="pending"?s`<${d}>${e("pay.processing")}</${d}>`:r&&H.includes(r.status)?s`<div class="subscribed">
      <${d}>${h?e("pay.active"):e("course.subscribed")} ${e("sub.status."+r.status)}${r.period_end?" · "+e(r.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:q(r.period_end)}):""}</${d}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:a.status!=="published"?null:s`<form class="pay" onSubmit=${async g=>{g.preventDefault(),y(!0),b(null),S(null);try{let u=c;M.payments==="stripe"&&(u=await(await import("./chunk-Q5UPEPLT.js")).collectPaymentMethod()),await I("/v1/billing/payment-methods",{payment_method_id:u},{idempotencyKey:n+"-card"});let f=await I("/v1/subscriptions",{course_id:a.id},{idempotencyKey:n});t(f);let C=await U(f.id);p(R()),C.status==="failed"?(S(C),t(null)):(_(!0),t(C))}catch(u){b(u.code==="stripe_unavailable"?{code:"stripe"}:u)}finally{y(!1)}}} aria-labelledby="pay-h" aria-busy=${i?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${M.payments!=="stripe"&&s`<${N} value=${c} onChange=${m} />`}
    <button type="submit" disabled=${i}>${e("pay.submit",{price:O(a.price)})}</button>
    ${i&&s`<${d}>${e("pay.processing")}</${d}>`}
    ${k&&s`<div class="error" role="alert" data-testid="pay-failed"><p>${j(k)}</p><p>${e("pay.failed")}</p></div>`}
    ${l&&l.code==="stripe"?s`<${T} message=${e("pay.stripeUnavailable")} />`:s`<${T} error=${l} />`}
  </form>`:s`<p class="note">${e("course.learnerOnly")}</p>`:s`<p><a class="button" href=${v(["login"],{next:A()})}>${e("course.loginToSubscribe")}</a></p>`}export{j as a,U as b,le as c};
