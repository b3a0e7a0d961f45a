import{a as J}from"./chunk-Y35N33MB.js";import{a as V,b as Y}from"./chunk-ZGAKA4AE.js";import{A as L,C as T,G as K,H as v,I as N,M as C,N as E,R as O,S as y,T as U,b as o,c as D,e as s,n as e,o as X,r as q,x as M,z as F}from"./chunk-NTJHWW7K.js";var j=["pending","active","past_due","refunding"];function z(n){if(!n||!n.reason_code)return n&&n.reason?e("sub.reason.other",{reason:n.reason}):"";let r="sub.reason."+n.reason_code,t=e(r);return t===r?e("sub.reason.other",{reason:n.reason||n.reason_code}):t}var G={konbini:"JPY",oxxo:"MXN",customer_balance:"MXN",qris:"IDR",gopay:"IDR"};async function B(n,{signal:r,timeoutMs:t=9e4,waitAction:l=!1}={}){let $=Date.now()+t,f=500;for(;;){let c=await v("/v1/subscriptions/"+C(n),{signal:r});if(c.status!=="pending"||c.action&&!l||Date.now()>$)return c;await new Promise(h=>setTimeout(h,f)),f=Math.min(f*1.5,3e3)}}function pe({id:n}){let r=L(),[t,l]=o(null),[$,f]=o([]),[c,h]=o(null),[b,w]=o(null),[_,S]=o(0);if(D(()=>{let a=!0;return(async()=>{try{let[d,A]=await Promise.all([v("/v1/courses/"+C(n)),v("/v1/courses/"+C(n)+"/items")]);if(!a)return;if(l(d),f(A.items||[]),w(null),T(r,"learner")){let R=((await v("/v1/subscriptions")).subscriptions||[]).filter(k=>k.course_id===n);a&&h(R.find(k=>j.includes(k.status))||null)}}catch(d){a&&w(d)}})(),()=>{a=!1}},[n,r&&r.token,_]),b&&!t)return s`<${O} text=${e("error."+b.code)||e("error.other")} /><${E} error=${b} />`;if(!t)return s`<${U} />`;let m=r&&r.user.id===t.tutor_id,g=m||c&&["active","past_due"].includes(c.status);return s`
    <article class="course">
      <${O} text=${t.title} />
      ${t.status!=="published"&&s`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${t.tutor_name?e("course.by",{name:t.tutor_name}):e("course.byUnknown")}</p>
      ${t.tutor_id&&s`<p><a href=${M([],{tutor_id:t.tutor_id})}>${e("course.moreByTutor",{name:t.tutor_name||""})}</a></p>`}
      <p class="price big">${J(t)}</p>
      <p class="meta">${e("course.items",{n:t.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:t.subscriber_count})}</span></p>
      ${t.description&&s`<p class="description">${t.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${$.length===0&&s`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${$.map(a=>s`<li key=${a.id}>
            <span class="kind">${e("kind."+a.kind)}</span>
            ${g&&(a.kind==="text"||a.content_status==="ready")?s`<a href=${M(["courses",t.id,"items",a.id],a.kind==="video"?{kind:"video"}:null)} aria-label=${e("course.open",{title:a.title})}>${a.title}</a>`:s`<span>${a.title}</span>`}
            ${g&&a.kind!=="text"&&a.content_status!=="ready"&&s` <span class="badge">${e("course.notReady")}</span>`}
            ${!g&&s` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${m&&s`<p class="note">${e("course.ownCourse")} <a href=${M(["tutor","courses",t.id])}>${e("course.edit")}</a></p>`}
      ${!m&&s`<${W} course=${t} sub=${c} onChange=${a=>{h(a),a&&a.status!=="pending"&&S(d=>d+1)}} />`}
    </article>
  `}var P=null;function Q(n){let[,r]=o(!!P);if(D(()=>{P||import("./chunk-ZUKLLGRL.js").then(l=>(P=l,r(!0)))},[]),!P)return s`<${U} />`;let{PaymentAction:t}=P;return s`<${t} ...${n} />`}function W({course:n,sub:r,onChange:t}){let l=L(),[$,f]=o("pm_card_visa"),[c,h]=o("card"),[b,w]=o([]),[_,S]=o(!1),[m,g]=o(null),[a,d]=o(null),[A,H]=o(!1),[R,k]=o(K);return D(()=>{if(!r||r.status!=="pending"||_)return;let i=new AbortController;return B(r.id,{signal:i.signal,waitAction:!0,timeoutMs:30*6e4}).then(t,()=>{}),()=>i.abort()},[r&&r.id]),D(()=>{!l||!T(l,"learner")||v("/v1/billing/payment-methods").then(i=>w((i.available||[]).filter(p=>p.type!=="card"&&G[p.type]===n.price.currency)),()=>w([]))},[l&&l.user.id,n.id]),l?T(l,"learner")?r&&r.status==="pending"&&r.action?s`<${Q} paymentId=${r.action.payment_id} />`:r&&r.status==="pending"?s`<${y}>${e("pay.processing")}</${y}>`:r&&j.includes(r.status)?s`<div class="subscribed">
      <${y}>${A?e("pay.active"):e("course.subscribed")} ${e("sub.status."+r.status)}${r.period_end?" · "+e(r.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:q(r.period_end)}):""}</${y}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:n.status!=="published"?null:s`<form class="pay" onSubmit=${async i=>{i.preventDefault(),S(!0),g(null),d(null);try{let p={course_id:n.id};if(c==="card"){let x=$;Y.payments==="stripe"&&(x=await(await import("./chunk-MDAXAODT.js")).collectPaymentMethod()),await N("/v1/billing/payment-methods",{payment_method_id:x,default:!0},{idempotencyKey:R+"-card"})}else p.payment_method_type=c;let I=await N("/v1/subscriptions",p,{idempotencyKey:R});t(I);let u=await B(I.id);if(u.status==="pending"&&u.action){t(u);let x=Date.parse(u.action.expires_at)-Date.now();u=await B(I.id,{waitAction:!0,timeoutMs:(x>0?x:0)+6e4})}k(K()),u.status==="failed"?(d(u),t(null)):(H(!0),t(u))}catch(p){g(p.code==="stripe_unavailable"?{code:"stripe"}:p)}finally{S(!1)}}} aria-labelledby="pay-h" aria-busy=${_?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${b.length>0&&s`<fieldset class="methods-choice">
      <legend>${e("pay.how")}</legend>
      ${[{type:"card"},...b].map(i=>s`<div class="check" key=${i.type}>
        <input type="radio" name="pay-method" id=${"method-"+i.type} value=${i.type} checked=${c===i.type} onChange=${()=>h(i.type)} />
        <label for=${"method-"+i.type}>${e("method."+i.type)}</label></div>`)}
      ${c!=="card"&&s`<p class="hint">${e("pay.laterHint")}</p>`}
    </fieldset>`}
    ${c==="card"&&Y.payments!=="stripe"&&s`<${V} value=${$} onChange=${f} />`}
    <button type="submit" disabled=${_}>${e("pay.submit",{price:X(n.price)})}</button>
    ${_&&s`<${y}>${e("pay.processing")}</${y}>`}
    ${a&&s`<div class="error" role="alert" data-testid="pay-failed"><p>${z(a)}</p><p>${e("pay.failed")}</p></div>`}
    ${m&&m.code==="stripe"?s`<${E} message=${e("pay.stripeUnavailable")} />`:s`<${E} error=${m} />`}
  </form>`:s`<p class="note">${e("course.learnerOnly")}</p>`:s`<p><a class="button" href=${M(["login"],{next:F()})}>${e("course.loginToSubscribe")}</a></p>`}export{z as a,B as b,pe as c};
