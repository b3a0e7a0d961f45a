import{a as j}from"./chunk-QS2GNWZ5.js";import{a as q,b as B}from"./chunk-YKTH7G5Z.js";import{A,C,G as I,H as k,I as K,M as P,N as T,R as L,S as b,T as R,b as o,c as M,e as r,n as e,o as F,r as H,x as v,z as V}from"./chunk-STKB7P6C.js";var z=["pending","active","past_due","refunding"];function G(a){if(!a||!a.reason_code)return a&&a.reason?e("sub.reason.other",{reason:a.reason}):"";let s="sub.reason."+a.reason_code,t=e(s);return t===s?e("sub.reason.other",{reason:a.reason||a.reason_code}):t}async function O(a,{signal:s,timeoutMs:t=9e4,waitAction:c=!1}={}){let u=Date.now()+t,p=500;for(;;){let i=await k("/v1/subscriptions/"+P(a),{signal:s});if(i.status!=="pending"||i.action&&!c||Date.now()>u)return i;await new Promise(d=>setTimeout(d,p)),p=Math.min(p*1.5,3e3)}}function ae({id:a}){let s=A(),[t,c]=o(null),[u,p]=o([]),[i,d]=o(null),[$,h]=o(null),[S,D]=o(0);if(M(()=>{let n=!0;return(async()=>{try{let[m,U]=await Promise.all([k("/v1/courses/"+P(a)),k("/v1/courses/"+P(a)+"/items")]);if(!n)return;if(c(m),p(U.items||[]),h(null),C(s,"learner")){let f=((await k("/v1/subscriptions")).subscriptions||[]).filter(y=>y.course_id===a);n&&d(f.find(y=>z.includes(y.status))||null)}}catch(m){n&&h(m)}})(),()=>{n=!1}},[a,s&&s.token,S]),$&&!t)return r`<${L} text=${e("error."+$.code)||e("error.other")} /><${T} error=${$} />`;if(!t)return r`<${R} />`;let _=s&&s.user.id===t.tutor_id,g=_||i&&["active","past_due"].includes(i.status);return r`
    <article class="course">
      <${L} text=${t.title} />
      ${t.status!=="published"&&r`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${t.tutor_name?e("course.by",{name:t.tutor_name}):e("course.byUnknown")}</p>
      ${t.tutor_id&&r`<p><a href=${v([],{tutor_id:t.tutor_id})}>${e("course.moreByTutor",{name:t.tutor_name||""})}</a></p>`}
      <p class="price big">${j(t)}</p>
      <p class="meta">${e("course.items",{n:t.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:t.subscriber_count})}</span></p>
      ${t.description&&r`<p class="description">${t.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${u.length===0&&r`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${u.map(n=>r`<li key=${n.id}>
            <span class="kind">${e("kind."+n.kind)}</span>
            ${g&&(n.kind==="text"||n.content_status==="ready")?r`<a href=${v(["courses",t.id,"items",n.id])} aria-label=${e("course.open",{title:n.title})}>${n.title}</a>`:r`<span>${n.title}</span>`}
            ${g&&n.kind!=="text"&&n.content_status!=="ready"&&r` <span class="badge">${e("course.notReady")}</span>`}
            ${!g&&r` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${_&&r`<p class="note">${e("course.ownCourse")} <a href=${v(["tutor","courses",t.id])}>${e("course.edit")}</a></p>`}
      ${!_&&r`<${N} course=${t} sub=${i} onChange=${n=>{d(n),n&&n.status!=="pending"&&D(m=>m+1)}} />`}
    </article>
  `}var x=null;function J(a){let[,s]=o(!!x);if(M(()=>{x||import("./chunk-V5XVXY45.js").then(c=>(x=c,s(!0)))},[]),!x)return r`<${R} />`;let{PaymentAction:t}=x;return r`<${t} ...${a} />`}function N({course:a,sub:s,onChange:t}){let c=A(),[u,p]=o("pm_card_visa"),[i,d]=o(!1),[$,h]=o(null),[S,D]=o(null),[_,g]=o(!1),[n,m]=o(I);return M(()=>{if(!s||s.status!=="pending"||i)return;let w=new AbortController;return O(s.id,{signal:w.signal,waitAction:!0,timeoutMs:30*6e4}).then(t,()=>{}),()=>w.abort()},[s&&s.id]),c?C(c,"learner")?s&&s.status==="pending"&&s.action?r`<${J} paymentId=${s.action.payment_id} />`:s&&s.status==="pending"?r`<${b}>${e("pay.processing")}</${b}>`:s&&z.includes(s.status)?r`<div class="subscribed">
      <${b}>${_?e("pay.active"):e("course.subscribed")} ${e("sub.status."+s.status)}${s.period_end?" · "+e(s.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:H(s.period_end)}):""}</${b}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:a.status!=="published"?null:r`<form class="pay" onSubmit=${async w=>{w.preventDefault(),d(!0),h(null),D(null);try{let f=u;B.payments==="stripe"&&(f=await(await import("./chunk-MDAXAODT.js")).collectPaymentMethod()),await K("/v1/billing/payment-methods",{payment_method_id:f,default:!0},{idempotencyKey:n+"-card"});let y=await K("/v1/subscriptions",{course_id:a.id},{idempotencyKey:n});t(y);let l=await O(y.id);if(l.status==="pending"&&l.action){t(l);let E=Date.parse(l.action.expires_at)-Date.now();l=await O(y.id,{waitAction:!0,timeoutMs:(E>0?E:0)+6e4})}m(I()),l.status==="failed"?(D(l),t(null)):(g(!0),t(l))}catch(f){h(f.code==="stripe_unavailable"?{code:"stripe"}:f)}finally{d(!1)}}} aria-labelledby="pay-h" aria-busy=${i?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${B.payments!=="stripe"&&r`<${q} value=${u} onChange=${p} />`}
    <button type="submit" disabled=${i}>${e("pay.submit",{price:F(a.price)})}</button>
    ${i&&r`<${b}>${e("pay.processing")}</${b}>`}
    ${S&&r`<div class="error" role="alert" data-testid="pay-failed"><p>${G(S)}</p><p>${e("pay.failed")}</p></div>`}
    ${$&&$.code==="stripe"?r`<${T} message=${e("pay.stripeUnavailable")} />`:r`<${T} error=${$} />`}
  </form>`:r`<p class="note">${e("course.learnerOnly")}</p>`:r`<p><a class="button" href=${v(["login"],{next:V()})}>${e("course.loginToSubscribe")}</a></p>`}export{G as a,O as b,ae as c};
