import{a as w,b as P}from"./chunk-PUVIYWCU.js";import"./chunk-GVSE62GM.js";import"./chunk-NU5PSPQP.js";import"./chunk-E6AOGKBP.js";import{b as E,l as b,m as k,q as y}from"./chunk-VN75DZ5U.js";import{D as C,E as h,F as O,b as d,c as v,f as s,q as n,r as S,u as _,z as g}from"./chunk-N376T5NL.js";function q(){let[t,i]=d(null),[a,$]=d({}),[p,r]=d(null),m=async()=>{try{let e=(await b("/v1/subscriptions")).subscriptions||[];i(e),r(null);let f=[...new Set(e.map(o=>o.course_id))].filter(o=>!a[o]),l=await Promise.all(f.map(o=>b("/v1/courses/"+y(o)).then(u=>[o,u.title],()=>[o,""])));$(o=>({...o,...Object.fromEntries(l)}))}catch(e){r(e)}};v(()=>{m()},[]);let c=e=>i(f=>f.map(l=>l.id===e.id?e:l));return s`
    <${C} text=${n("subs.title")} />
    <${g} error=${p} />
    ${!t&&!p&&s`<${O} />`}
    ${t&&t.length===0&&s`<p>${n("subs.empty")}</p>`}
    ${t&&t.length>0&&s`<ul class="subs">${t.map(e=>s`<${R} key=${e.id} sub=${e} title=${a[e.course_id]} onChange=${c} />`)}</ul>`}
  `}function R({sub:t,title:i,onChange:a}){let[$,p]=d(null),[r,m]=d(!1),c=(l,o)=>async()=>{if(!(o&&!confirm(o))){m(!0),p(null);try{let u=await k(`/v1/subscriptions/${y(t.id)}/${l}`);a(u),u.status==="refunding"&&a(await T(t.id))}catch(u){p(u)}finally{m(!1)}}},e=t.status==="active"||t.status==="past_due",f=i||t.course_id;return s`<li class="sub" aria-busy=${r?"true":"false"}>
    <h2><a href=${E(["courses",t.course_id])}>${f}</a></h2>
    <p><span class=${"badge status-"+t.status}>${n("sub.status."+t.status)}</span> ${S(t.price)}</p>
    ${e&&t.period_end&&s`<p>${n(t.cancel_at_period_end?"subs.endsOn":"subs.renews",{date:_(t.period_end)})}</p>`}
    ${t.status==="ended"&&t.ended_at&&s`<p>${n("subs.endedOn",{date:_(t.ended_at)})}</p>`}
    ${(t.status==="failed"||t.status==="ended")&&w(t)&&s`<p>${w(t)}</p>`}
    ${e&&s`<div class="actions">
      ${!t.cancel_at_period_end&&s`<button type="button" class="secondary" disabled=${r} onClick=${c("cancel-at-period-end")}>${n("subs.cancelAtEnd")}</button>`}
      ${t.cancel_at_period_end&&s`<button type="button" class="secondary" disabled=${r} onClick=${c("resume")}>${n("subs.resume")}</button>`}
      <button type="button" class="danger" disabled=${r} onClick=${c("cancel",n("subs.confirmCancel"))}>${n("subs.cancel")}</button>
      <button type="button" class="secondary" disabled=${r} onClick=${c("refund",n("subs.confirmRefund"))}>${n("subs.refund")}</button>
    </div>`}
    ${r&&s`<${h}>${n("common.loading")}</${h}>`}
    <${g} error=${$} />
  </li>`}async function T(t){for(let i=0;i<60;i++){let a=await b("/v1/subscriptions/"+y(t));if(a.status!=="refunding")return a;await new Promise($=>setTimeout($,1e3))}return P(t)}export{q as Subscriptions};
