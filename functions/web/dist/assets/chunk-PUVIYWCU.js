import{a as z}from"./chunk-GVSE62GM.js";import{b as G,c as Q,d as W}from"./chunk-NU5PSPQP.js";import{b as x,d as V,e as q,g as P,k as K,l as w,m as j,q as E}from"./chunk-VN75DZ5U.js";import{D as O,E as b,F as U,b as i,c as g,e as H,f as a,n as X,q as e,r as F,u as J,z as N}from"./chunk-N376T5NL.js";var Z=["pending","active","past_due","refunding"];function se(r){if(!r||!r.reason_code)return r&&r.reason?e("sub.reason.other",{reason:r.reason}):"";let s="sub.reason."+r.reason_code,t=e(s);return t===s?e("sub.reason.other",{reason:r.reason||r.reason_code}):t}var ae={konbini:"JPY",oxxo:"MXN",customer_balance:"MXN",qris:"IDR",gopay:"IDR"};async function Y(r,{signal:s,timeoutMs:t=9e4,waitAction:c=!1}={}){let h=Date.now()+t,f=500;for(;;){let d=await w("/v1/subscriptions/"+E(r),{signal:s});if(d.status!=="pending"||d.action&&!c||Date.now()>h)return d;await new Promise(v=>setTimeout(v,f)),f=Math.min(f*1.5,3e3)}}function ye({id:r}){let s=q(),[t,c]=i(null),[h,f]=i([]),[d,v]=i(null),[l,k]=i(null),[I,M]=i(0);g(()=>{let n=!0;return(async()=>{try{let[$,_]=await Promise.all([w("/v1/courses/"+E(r)),w("/v1/courses/"+E(r)+"/items")]);if(!n)return;if(c($),f(_.items||[]),k(null),P(s,"learner")){let R=((await w("/v1/subscriptions")).subscriptions||[]).filter(D=>D.course_id===r);n&&v(R.find(D=>Z.includes(D.status))||null)}}catch($){n&&k($)}})(),()=>{n=!1}},[r,s&&s.token,I]);let p=!!t&&!!s&&(s.user.id===t.tutor_id||!!d&&["active","past_due"].includes(d.status))&&h.some(n=>n.kind==="video"&&n.content_status==="ready");if(g(()=>{if(!p||navigator.connection&&navigator.connection.saveData)return;let n=()=>import("./chunk-YUSS6EBP.js").catch(()=>{});if(window.requestIdleCallback){let _=requestIdleCallback(n,{timeout:3e3});return()=>cancelIdleCallback(_)}let $=setTimeout(n,1e3);return()=>clearTimeout($)},[p]),l&&!t)return a`<${O} text=${e("error."+l.code)||e("error.other")} /><${N} error=${l} />`;if(!t)return a`<${U} />`;let C=s&&s.user.id===t.tutor_id,m=C||d&&["active","past_due"].includes(d.status);return a`
    <article class="course">
      <${O} text=${t.title} />
      ${t.status!=="published"&&a`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${t.tutor_name?e("course.by",{name:t.tutor_name}):e("course.byUnknown")}</p>
      ${t.tutor_id&&a`<p><a href=${x([],{tutor_id:t.tutor_id})}>${e("course.moreByTutor",{name:t.tutor_name||""})}</a></p>`}
      <p class="price big">${z(t)}</p>
      <p class="meta">${e("course.items",{n:t.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:t.subscriber_count})}</span></p>
      ${t.description&&a`<p class="description">${t.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${h.length===0&&a`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${h.map(n=>a`<li key=${n.id}>
            <span class="kind">${e("kind."+n.kind)}</span>
            ${m&&(n.kind==="text"||n.content_status==="ready")?a`<a href=${x(["courses",t.id,"items",n.id],n.kind==="video"?{kind:"video"}:null)} aria-label=${e("course.open",{title:n.title})}>${n.title}</a>`:a`<span>${n.title}</span>`}
            ${m&&n.kind!=="text"&&n.content_status!=="ready"&&a` <span class="badge">${e("course.notReady")}</span>`}
            ${!m&&a` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${C&&a`<p class="note">${e("course.ownCourse")} <a href=${x(["tutor","courses",t.id])}>${e("course.edit")}</a></p>`}
      ${!C&&a`<${re} course=${t} sub=${d} onChange=${n=>{v(n),n&&n.status!=="pending"&&M($=>$+1)}} />`}
    </article>
  `}var S=null;function ne(r){let[,s]=i(!!S);if(g(()=>{S||import("./chunk-GOKPCI4T.js").then(c=>(S=c,s(!0)))},[]),!S)return a`<${U} />`;let{PaymentAction:t}=S;return a`<${t} ...${r} />`}function re({course:r,sub:s,onChange:t}){let c=q(),h=X(),f=H(null),[d,v]=i("pm_card_visa"),[l,k]=i("card"),[I,M]=i([]),[p,C]=i(null),[m,n]=i(!1),[$,_]=i(null),[A,R]=i(null),[D,ee]=i(!1),[B,te]=i(K);return g(()=>{if(!s||s.status!=="pending"||m)return;let o=new AbortController;return Y(s.id,{signal:o.signal,waitAction:!0,timeoutMs:30*6e4}).then(t,()=>{}),()=>o.abort()},[s&&s.id]),g(()=>{!c||!P(c,"learner")||w("/v1/billing/payment-methods").then(o=>{M((o.available||[]).filter(u=>u.type!=="card"&&ae[u.type]===r.price.currency)),C((o.payment_methods||[]).find(u=>u.default&&u.status==="saved")||null)},()=>M([]))},[c&&c.user.id,r.id]),c?P(c,"learner")?s&&s.status==="pending"&&s.action?a`<${ne} paymentId=${s.action.payment_id} />`:s&&s.status==="pending"?a`<${b}>${e("pay.processing")}</${b}>`:s&&Z.includes(s.status)?a`<div class="subscribed">
      <${b}>${D?e("pay.active"):e("course.subscribed")} ${e("sub.status."+s.status)}${s.period_end?" · "+e(s.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:J(s.period_end)}):""}</${b}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:r.status!=="published"?null:a`<form class="pay" onSubmit=${async o=>{o.preventDefault(),n(!0),_(null),R(null);try{let u={course_id:r.id};if(l!=="saved")if(l==="card"){let T=await Q(d,f);await W(T,{makeDefault:!0,key:B+"-card",lang:h})}else u.payment_method_type=l;let L=await j("/v1/subscriptions",u,{idempotencyKey:B});t(L);let y=await Y(L.id);if(y.status==="pending"&&y.action){t(y);let T=Date.parse(y.action.expires_at)-Date.now();y=await Y(L.id,{waitAction:!0,timeoutMs:(T>0?T:0)+6e4})}te(K()),y.status==="failed"?(R(y),t(null)):(ee(!0),t(y))}catch(u){_(u)}finally{n(!1)}}} aria-labelledby="pay-h" aria-busy=${m?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${(I.length>0||p)&&a`<fieldset class="methods-choice">
      <legend>${e("pay.how")}</legend>
      ${p&&a`<div class="check" key="saved">
        <input type="radio" name="pay-method" id="method-saved" value="saved" checked=${l==="saved"} onChange=${()=>k("saved")} />
        <label for="method-saved">${e("pay.withSaved",{card:e("pm.card",{brand:(p.brand||p.type||"").toUpperCase(),last4:p.last4||""})})}</label></div>`}
      ${[{type:"card"},...I].map(o=>a`<div class="check" key=${o.type}>
        <input type="radio" name="pay-method" id=${"method-"+o.type} value=${o.type} checked=${l===o.type} onChange=${()=>k(o.type)} />
        <label for=${"method-"+o.type}>${e(p&&o.type==="card"?"pay.newCard":"method."+o.type)}</label></div>`)}
      ${l!=="card"&&l!=="saved"&&a`<p class="hint">${e("pay.laterHint")}</p>`}
    </fieldset>`}
    ${l==="card"&&a`<${G} value=${d} onChange=${v} handle=${f} />`}
    <button type="submit" disabled=${m}>${e("pay.submit",{price:F(r.price)})}</button>
    ${m&&a`<${b}>${e("pay.processing")}</${b}>`}
    ${A&&a`<div class="error" role="alert" data-testid="pay-failed"><p>${se(A)}</p><p>${e("pay.failed")}</p></div>`}
    <${N} error=${$} />
  </form>`:a`<p class="note">${e("course.learnerOnly")}</p>`:a`<p><a class="button" href=${x(["login"],{next:V()})}>${e("course.loginToSubscribe")}</a></p>`}export{se as a,Y as b,ye as c};
