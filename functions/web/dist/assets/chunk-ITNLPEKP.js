import{a as N}from"./chunk-42PZRERS.js";import{C as E,D as x,H as R,I as d,J as F,K as I,L as v,M as K,Q as C,b as o,c as T,e as s,n as e,o as O,r as q,w as S,y as A,z as P}from"./chunk-TAW53CQ5.js";var J=["pm_card_visa","pm_card_chargeDeclined","pm_card_chargeDeclinedInsufficientFunds","pm_card_authenticationRequired"];function U({value:a,onChange:r}){return s`<fieldset class="cards-picker">
    <legend>${e("pay.card")}</legend>
    <p class="hint">${e("pay.testNotice")}</p>
    ${J.map(t=>s`<div class="radio">
      <input type="radio" id=${"card-"+t} name="card" value=${t} checked=${a===t} onChange=${()=>r(t)} />
      <label for=${"card-"+t}>${e("pay.card."+t)}</label>
    </div>`)}
  </fieldset>`}function V(){try{return JSON.parse(document.querySelector('meta[name="kw-config"]').content)}catch{return{}}}var M={payments:"test-cards",...V()};var H=["pending","active","past_due","refunding"];function j(a){if(!a||!a.reason_code)return a&&a.reason?e("sub.reason.other",{reason:a.reason}):"";let r="sub.reason."+a.reason_code,t=e(r);return t===r?e("sub.reason.other",{reason:a.reason||a.reason_code}):t}async function B(a,{signal:r,timeoutMs:t=9e4}={}){let $=Date.now()+t,c=500;for(;;){let m=await v("/v1/subscriptions/"+C(a),{signal:r});if(m.status!=="pending"||Date.now()>$)return m;await new Promise(i=>setTimeout(i,c)),c=Math.min(c*1.5,3e3)}}function le({id:a}){let r=P(),[t,$]=o(null),[c,m]=o([]),[i,y]=o(null),[l,b]=o(null),[w,k]=o(0);if(T(()=>{let n=!0;return(async()=>{try{let[p,L]=await Promise.all([v("/v1/courses/"+C(a)),v("/v1/courses/"+C(a)+"/items")]);if(!n)return;if($(p),m(L.items||[]),b(null),E(r,"learner")){let u=((await v("/v1/subscriptions")).subscriptions||[]).filter(f=>f.course_id===a);n&&y(u.find(f=>H.includes(f.status))||null)}}catch(p){n&&b(p)}})(),()=>{n=!1}},[a,r&&r.token,w]),l&&!t)return s`<${R} text=${e("error."+l.code)||e("error.other")} /><${x} error=${l} />`;if(!t)return s`<${F} />`;let h=r&&r.user.id===t.tutor_id,_=h||i&&["active","past_due"].includes(i.status);return s`
    <article class="course">
      <${R} text=${t.title} />
      ${t.status!=="published"&&s`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${t.tutor_name?e("course.by",{name:t.tutor_name}):e("course.byUnknown")}</p>
      <p class="price big">${N(t)}</p>
      <p class="meta">${e("course.items",{n:t.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:t.subscriber_count})}</span></p>
      ${t.description&&s`<p class="description">${t.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${c.length===0&&s`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${c.map(n=>s`<li key=${n.id}>
            <span class="kind">${e("kind."+n.kind)}</span>
            ${_&&(n.kind==="text"||n.content_status==="ready")?s`<a href=${S(["courses",t.id,"items",n.id])} aria-label=${e("course.open",{title:n.title})}>${n.title}</a>`:s`<span>${n.title}</span>`}
            ${_&&n.kind!=="text"&&n.content_status!=="ready"&&s` <span class="badge">${e("course.notReady")}</span>`}
            ${!_&&s` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${h&&s`<p class="note">${e("course.ownCourse")} <a href=${S(["tutor","courses",t.id])}>${e("course.edit")}</a></p>`}
      ${!h&&s`<${z} course=${t} sub=${i} onChange=${n=>{y(n),n&&n.status!=="pending"&&k(p=>p+1)}} />`}
    </article>
  `}function z({course:a,sub:r,onChange:t}){let $=P(),[c,m]=o("pm_card_visa"),[i,y]=o(!1),[l,b]=o(null),[w,k]=o(null),[h,_]=o(!1),[n,p]=o(I);return T(()=>{if(!r||r.status!=="pending"||i)return;let g=new AbortController;return B(r.id,{signal:g.signal}).then(t,()=>{}),()=>g.abort()},[r&&r.id]),$?E($,"learner")?r&&r.status==="pending"?s`<${d}>${e("pay.processing")}</${d}>`:r&&H.includes(r.status)?s`<div class="subscribed">
      <${d}>${h?e("pay.active"):e("course.subscribed")} ${e("sub.status."+r.status)}${r.period_end?" · "+e(r.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:q(r.period_end)}):""}</${d}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:a.status!=="published"?null:s`<form class="pay" onSubmit=${async g=>{g.preventDefault(),y(!0),b(null),k(null);try{let u=c;M.payments==="stripe"&&(u=await(await import("./chunk-Q5UPEPLT.js")).collectPaymentMethod()),await K("/v1/billing/payment-methods",{payment_method_id:u},{idempotencyKey:n+"-card"});let f=await K("/v1/subscriptions",{course_id:a.id},{idempotencyKey:n});t(f);let D=await B(f.id);p(I()),D.status==="failed"?(k(D),t(null)):(_(!0),t(D))}catch(u){b(u.code==="stripe_unavailable"?{code:"stripe"}:u)}finally{y(!1)}}} aria-labelledby="pay-h" aria-busy=${i?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${M.payments!=="stripe"&&s`<${U} value=${c} onChange=${m} />`}
    <button type="submit" disabled=${i}>${e("pay.submit",{price:O(a.price)})}</button>
    ${i&&s`<${d}>${e("pay.processing")}</${d}>`}
    ${w&&s`<div class="error" role="alert" data-testid="pay-failed"><p>${j(w)}</p><p>${e("pay.failed")}</p></div>`}
    ${l&&l.code==="stripe"?s`<${x} message=${e("pay.stripeUnavailable")} />`:s`<${x} error=${l} />`}
  </form>`:s`<p class="note">${e("course.learnerOnly")}</p>`:s`<p><a class="button" href=${S(["login"],{next:A()})}>${e("course.loginToSubscribe")}</a></p>`}export{j as a,B as b,le as c};
