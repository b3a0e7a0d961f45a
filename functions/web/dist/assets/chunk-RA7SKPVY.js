import{a as V}from"./chunk-7Q6ZBR43.js";import{a as j,b as B}from"./chunk-6QBSNJIC.js";import{A as K,C as P,G as U,H as g,I as N,M as R,N as T,R as O,S as b,T as Y,b as c,c as S,e as t,n as e,o as q,r as F,x as C,z as J}from"./chunk-UMPXI75O.js";var z=["pending","active","past_due","refunding"];function Q(n){if(!n||!n.reason_code)return n&&n.reason?e("sub.reason.other",{reason:n.reason}):"";let a="sub.reason."+n.reason_code,s=e(a);return s===a?e("sub.reason.other",{reason:n.reason||n.reason_code}):s}var W={konbini:"JPY",oxxo:"MXN",customer_balance:"MXN",qris:"IDR",gopay:"IDR"};async function H(n,{signal:a,timeoutMs:s=9e4,waitAction:d=!1}={}){let m=Date.now()+s,y=500;for(;;){let o=await g("/v1/subscriptions/"+R(n),{signal:a});if(o.status!=="pending"||o.action&&!d||Date.now()>m)return o;await new Promise(h=>setTimeout(h,y)),y=Math.min(y*1.5,3e3)}}function $e({id:n}){let a=K(),[s,d]=c(null),[m,y]=c([]),[o,h]=c(null),[v,w]=c(null),[p,E]=c(0);if(S(()=>{let r=!0;return(async()=>{try{let[$,M]=await Promise.all([g("/v1/courses/"+R(n)),g("/v1/courses/"+R(n)+"/items")]);if(!r)return;if(d($),y(M.items||[]),w(null),P(a,"learner")){let I=((await g("/v1/subscriptions")).subscriptions||[]).filter(k=>k.course_id===n);r&&h(I.find(k=>z.includes(k.status))||null)}}catch($){r&&w($)}})(),()=>{r=!1}},[n,a&&a.token,p]),v&&!s)return t`<${O} text=${e("error."+v.code)||e("error.other")} /><${T} error=${v} />`;if(!s)return t`<${Y} />`;let u=a&&a.user.id===s.tutor_id,_=u||o&&["active","past_due"].includes(o.status);return t`
    <article class="course">
      <${O} text=${s.title} />
      ${s.status!=="published"&&t`<p class="note">${e("course.draft")}</p>`}
      <p class="by">${s.tutor_name?e("course.by",{name:s.tutor_name}):e("course.byUnknown")}</p>
      ${s.tutor_id&&t`<p><a href=${C([],{tutor_id:s.tutor_id})}>${e("course.moreByTutor",{name:s.tutor_name||""})}</a></p>`}
      <p class="price big">${V(s)}</p>
      <p class="meta">${e("course.items",{n:s.item_count})} · <span data-testid="subscribers">${e("course.subscribers",{n:s.subscriber_count})}</span></p>
      ${s.description&&t`<p class="description">${s.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${e("course.inside")}</h2>
        ${m.length===0&&t`<p>${e("course.noItems")}</p>`}
        <ol class="items">
          ${m.map(r=>t`<li key=${r.id}>
            <span class="kind">${e("kind."+r.kind)}</span>
            ${_&&(r.kind==="text"||r.content_status==="ready")?t`<a href=${C(["courses",s.id,"items",r.id],r.kind==="video"?{kind:"video"}:null)} aria-label=${e("course.open",{title:r.title})}>${r.title}</a>`:t`<span>${r.title}</span>`}
            ${_&&r.kind!=="text"&&r.content_status!=="ready"&&t` <span class="badge">${e("course.notReady")}</span>`}
            ${!_&&t` <span class="badge muted">${e("course.locked")}</span>`}
          </li>`)}
        </ol>
      </section>
      ${u&&t`<p class="note">${e("course.ownCourse")} <a href=${C(["tutor","courses",s.id])}>${e("course.edit")}</a></p>`}
      ${!u&&t`<${ee} course=${s} sub=${o} onChange=${r=>{h(r),r&&r.status!=="pending"&&E($=>$+1)}} />`}
    </article>
  `}var D=null;function Z(n){let[,a]=c(!!D);if(S(()=>{D||import("./chunk-7RQ77Q27.js").then(d=>(D=d,a(!0)))},[]),!D)return t`<${Y} />`;let{PaymentAction:s}=D;return t`<${s} ...${n} />`}function ee({course:n,sub:a,onChange:s}){let d=K(),[m,y]=c("pm_card_visa"),[o,h]=c("card"),[v,w]=c([]),[p,E]=c(null),[u,_]=c(!1),[r,$]=c(null),[M,A]=c(null),[I,k]=c(!1),[X,G]=c(U);return S(()=>{if(!a||a.status!=="pending"||u)return;let i=new AbortController;return H(a.id,{signal:i.signal,waitAction:!0,timeoutMs:30*6e4}).then(s,()=>{}),()=>i.abort()},[a&&a.id]),S(()=>{!d||!P(d,"learner")||g("/v1/billing/payment-methods").then(i=>{w((i.available||[]).filter(l=>l.type!=="card"&&W[l.type]===n.price.currency)),E((i.payment_methods||[]).find(l=>l.default&&l.status==="saved")||null)},()=>w([]))},[d&&d.user.id,n.id]),d?P(d,"learner")?a&&a.status==="pending"&&a.action?t`<${Z} paymentId=${a.action.payment_id} />`:a&&a.status==="pending"?t`<${b}>${e("pay.processing")}</${b}>`:a&&z.includes(a.status)?t`<div class="subscribed">
      <${b}>${I?e("pay.active"):e("course.subscribed")} ${e("sub.status."+a.status)}${a.period_end?" · "+e(a.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:F(a.period_end)}):""}</${b}>
      <p><a href="#/subscriptions">${e("course.manage")}</a></p>
    </div>`:n.status!=="published"?null:t`<form class="pay" onSubmit=${async i=>{i.preventDefault(),_(!0),$(null),A(null);try{let l={course_id:n.id};if(o!=="saved")if(o==="card"){let x=m;B.payments==="stripe"&&(x=await(await import("./chunk-MDAXAODT.js")).collectPaymentMethod()),await N("/v1/billing/payment-methods",{payment_method_id:x,default:!0},{idempotencyKey:X+"-card"})}else l.payment_method_type=o;let L=await N("/v1/subscriptions",l,{idempotencyKey:X});s(L);let f=await H(L.id);if(f.status==="pending"&&f.action){s(f);let x=Date.parse(f.action.expires_at)-Date.now();f=await H(L.id,{waitAction:!0,timeoutMs:(x>0?x:0)+6e4})}G(U()),f.status==="failed"?(A(f),s(null)):(k(!0),s(f))}catch(l){$(l.code==="stripe_unavailable"?{code:"stripe"}:l)}finally{_(!1)}}} aria-labelledby="pay-h" aria-busy=${u?"true":"false"}>
    <h2 id="pay-h">${e("pay.heading")}</h2>
    ${(v.length>0||p)&&t`<fieldset class="methods-choice">
      <legend>${e("pay.how")}</legend>
      ${p&&t`<div class="check" key="saved">
        <input type="radio" name="pay-method" id="method-saved" value="saved" checked=${o==="saved"} onChange=${()=>h("saved")} />
        <label for="method-saved">${e("pay.withSaved",{card:e("pm.card",{brand:(p.brand||p.type||"").toUpperCase(),last4:p.last4||""})})}</label></div>`}
      ${[{type:"card"},...v].map(i=>t`<div class="check" key=${i.type}>
        <input type="radio" name="pay-method" id=${"method-"+i.type} value=${i.type} checked=${o===i.type} onChange=${()=>h(i.type)} />
        <label for=${"method-"+i.type}>${e(p&&i.type==="card"?"pay.newCard":"method."+i.type)}</label></div>`)}
      ${o!=="card"&&o!=="saved"&&t`<p class="hint">${e("pay.laterHint")}</p>`}
    </fieldset>`}
    ${o==="card"&&B.payments!=="stripe"&&t`<${j} value=${m} onChange=${y} />`}
    <button type="submit" disabled=${u}>${e("pay.submit",{price:q(n.price)})}</button>
    ${u&&t`<${b}>${e("pay.processing")}</${b}>`}
    ${M&&t`<div class="error" role="alert" data-testid="pay-failed"><p>${Q(M)}</p><p>${e("pay.failed")}</p></div>`}
    ${r&&r.code==="stripe"?t`<${T} message=${e("pay.stripeUnavailable")} />`:t`<${T} error=${r} />`}
  </form>`:t`<p class="note">${e("course.learnerOnly")}</p>`:t`<p><a class="button" href=${C(["login"],{next:J()})}>${e("course.loginToSubscribe")}</a></p>`}export{Q as a,H as b,$e as c};
