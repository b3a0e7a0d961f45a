import{b as nt}from"./chunk-MX65INQV.js";import{a as st}from"./chunk-GVSE62GM.js";import{b as _,c as W,d as Z,e as tt,g as et,k as j,l as I,m as H,n as X,o as B,p as rt,q as k}from"./chunk-VN75DZ5U.js";import{A as v,B as R,C as ot,D as S,E as A,F as D,b as y,c as P,f as n,i as N,l as K,m as G,o as q,q as t,s as Y,t as J,u as Q,x as V,y as z,z as T}from"./chunk-N376T5NL.js";var M=class extends Error{constructor(s,r){super(s),this.status=r||0}};function L(e,s,r,l,o,a){return new Promise((c,i)=>{let d=new XMLHttpRequest;d.open(e,s);for(let[b,g]of Object.entries(r||{}))d.setRequestHeader(b,g);if(o&&(d.upload.onprogress=b=>o(b.loaded)),d.onload=()=>c(d),d.onerror=()=>i(new M("network error")),d.ontimeout=()=>i(new M("timed out")),d.onabort=()=>i(new DOMException("aborted","AbortError")),a){if(a.aborted)return i(new DOMException("aborted","AbortError"));a.addEventListener("abort",()=>d.abort(),{once:!0})}d.send(l)})}var at=(e,s)=>new Promise((r,l)=>{let o=setTimeout(r,e);s?.addEventListener("abort",()=>{clearTimeout(o),l(new DOMException("aborted","AbortError"))})}),O=e=>e===200||e===201;function it(e){let s=/bytes=0-(\d+)/.exec(e||"");return s?Number(s[1])+1:0}async function ut(e,s,{onProgress:r,onResuming:l,signal:o}={}){let a=e.size,c=$=>r&&r(Math.min($,a),a);if(!s.resumable){let $=await L(s.method,s.url,s.headers,e,c,o);if(!O($.status))throw new M(F($),$.status);c(a);return}let i=await L(s.method,s.url,s.headers,null,null,o),d=i.getResponseHeader("Location");if(!O(i.status)||!d)throw new M(F(i),i.status);let b=0,g=0;for(;b<a;){let $=Math.min(b+8388608,a);try{let p=await L("PUT",d,{"Content-Range":`bytes ${b}-${$-1}/${a}`},e.slice(b,$),m=>c(b+m),o);if(O(p.status))b=a;else if(p.status===308)b=it(p.getResponseHeader("Range")),g=0;else throw p.status>=500||p.status===429?new M(F(p),p.status):Object.assign(new M(F(p),p.status),{fatal:!0})}catch(p){if(p.name==="AbortError"||p.fatal||++g>8)throw p;l&&l(),await at(Math.min(250*2**g,8e3),o),b=await $t(d,a,o)}c(b)}}async function $t(e,s,r){for(let l=0;;l++)try{let o=await L("PUT",e,{"Content-Range":`bytes */${s}`},null,null,r);if(O(o.status))return s;if(o.status===308)return it(o.getResponseHeader("Range"));throw Object.assign(new M(F(o),o.status),{fatal:!0})}catch(o){if(o.name==="AbortError"||o.fatal||l>=8)throw o;await at(Math.min(500*2**l,8e3),r)}}function F(e){let s=(e.responseText||"").slice(0,300),r=/<Message>([^<]*)<\/Message>/.exec(s);return(r?r[1]:s.trim())||"HTTP "+e.status}async function lt(e){if(e.size>64*1024*1024||!crypto.subtle)return"";let s=await crypto.subtle.digest("SHA-256",await e.arrayBuffer());return[...new Uint8Array(s)].map(r=>r.toString(16).padStart(2,"0")).join("")}function U(){let e=tt();return e?et(e,"tutor")?{s:e}:{gate:n`<${S} text=${t("tutor.title")} /><p class="note">${t("tutor.needTutor")}</p>`}:{gate:n`<${S} text=${t("tutor.title")} /><p><a class="button" href=${_(["login"],{next:Z()})}>${t("nav.login")}</a></p>`}}function Pt(){let{s:e,gate:s}=U(),[r,l]=y({courses:null,next:"",error:null,loading:!1}),o=async i=>{l(d=>({...d,loading:!0,error:null}));try{let d=await I("/v1/tutors/me/courses?limit=20"+(i?"&cursor="+encodeURIComponent(i):""));l(b=>({courses:[...i?b.courses||[]:[],...d.courses],next:d.next_cursor||"",error:null,loading:!1}))}catch(d){l(b=>({...b,error:d,loading:!1}))}};if(P(()=>{e&&o("")},[e&&e.user.id]),s)return s;let{courses:a,error:c}=r;return n`
    <${S} text=${t("tutor.title")} />
    <p><a class="button" href="#/tutor/new">${t("tutor.newCourse")}</a></p>
    <section aria-labelledby="mine-h">
      <h2 id="mine-h">${t("tutor.myCourses")}</h2>
      <${T} error=${c} />
      ${r.loading&&n`<${D} />`}
      ${a&&a.length===0&&n`<p>${t("tutor.noCourses")}</p>`}
      ${a&&a.length>0&&n`<ul class="cards" data-testid="tutor-courses">${a.map(i=>n`<li class="card" key=${i.id}>
        <h3><a href=${_(["tutor","courses",i.id])}>${i.title}</a></h3>
        <p>${t("tutor.status",{status:t("tutor.status."+i.status)})}</p>
        <p class="price">${st(i)}</p>
        <p class="meta">${t("course.items",{n:i.item_count})} · ${t("course.subscribers",{n:i.subscriber_count})}</p>
      </li>`)}</ul>`}
      ${r.next&&!r.loading&&n`<button type="button" class="secondary" onClick=${()=>o(r.next)}>${t("catalog.loadMore")}</button>`}
    </section>
    <${nt} titles=${Object.fromEntries((a||[]).map(i=>[i.id,i.title]))} />`}function ct({draftKey:e,initial:s,submitLabel:r,onSubmit:l}){let[o,a,c]=N(e,s),[i,d]=y(null),[b,g]=y(!1),[$,p]=y(!1),m=u=>h=>{let w=h.currentTarget.value;p(!1),a(C=>({...C,[u]:w}))},f=async u=>{u.preventDefault(),g(!0),d(null);let h=Y(o.price,o.currency);try{await l({title:o.title,description:o.description,price:{amount:h===null?-1:h,currency:o.currency},billing_interval:o.interval}),p(!0),c()}catch(w){d(w)}finally{g(!1)}},E=G[o.currency]===0||o.currency==="IDR"?"1":"0.01",x=["title","description","price","price.amount","price.currency","billing_interval"];return n`<form class="form" onSubmit=${f} novalidate>
    <${v} id=${e+"-title"} label=${t("tutor.courseTitle")} required error=${R(i,"title")}>${u=>n`<input ...${u} value=${o.title} onInput=${m("title")} />`}</${v}>
    <${v} id=${e+"-desc"} label=${t("tutor.description")} error=${R(i,"description")}>${u=>n`<textarea ...${u} rows="4" value=${o.description} onInput=${m("description")}></textarea>`}</${v}>
    <div class="row">
      <${v} id=${e+"-price"} label=${t("tutor.price")} required error=${R(i,"price.amount","price")}>${u=>n`<input ...${u} type="number" min="0" step=${E} inputmode="decimal" value=${o.price} onInput=${m("price")} />`}</${v}>
      <${v} id=${e+"-cur"} label=${t("tutor.currency")} error=${R(i,"price.currency")}>${u=>n`<select ...${u} value=${o.currency} onChange=${m("currency")}>${K.map(h=>n`<option value=${h}>${V(h)} (${h})</option>`)}</select>`}</${v}>
      <${v} id=${e+"-int"} label=${t("tutor.interval")} error=${R(i,"billing_interval")}>${u=>n`<select ...${u} value=${o.interval} onChange=${m("interval")}>
          <option value="month">${t("tutor.interval.month")}</option><option value="year">${t("tutor.interval.year")}</option></select>`}</${v}>
    </div>
    <${T} error=${i} />
    ${ot(i,x).map(([u,h])=>n`<p class="field-error">${u}: <span lang="en">${h}</span></p>`)}
    <button type="submit" disabled=${b}>${r}</button>
    ${$&&n`<${A}>${t("common.saved")}</${A}>`}
  </form>`}function Ht(){let{s:e,gate:s}=U(),[r]=y(j);if(s)return s;let l=q(),o=async a=>{let c=await H("/v1/courses",a,{idempotencyKey:r});W(_(["tutor","courses",c.id]))};return n`<${S} text=${t("tutor.newCourse")} />
    <${ct} draftKey="new-course" initial=${{title:"",description:"",price:"",currency:l.currency,interval:"month"}}
      submitLabel=${t("tutor.create")} onSubmit=${o} />`}function Dt({id:e}){let{gate:s}=U(),[r,l]=y(null),[o,a]=y([]),[c,i]=y(null),[d,b]=y(null),[g,$]=y(""),p="/v1/courses/"+k(e),m=async()=>{try{let[u,h]=await Promise.all([I(p),I(p+"/items")]);l(u),a(h.items||[])}catch(u){i(u)}};if(P(()=>{s||m()},[e,!!s]),s)return s;if(c)return n`<${S} text=${t("error."+c.code)} /><${T} error=${c} />`;if(!r)return n`<${D} />`;let f=async(u,h)=>{b(null),$("");try{await u(),h&&$(h),await m()}catch(w){b(w)}},E=(u,h)=>{let w=o.map(C=>C.id);return[w[u],w[u+h]]=[w[u+h],w[u]],f(async()=>{let C=await B(p+"/items/order",{item_ids:w});a(C.items),requestAnimationFrame(()=>document.getElementById(`mv-${h<0?"up":"down"}-${w[u+h]}`)?.focus())})},x=r.status==="published";return n`
    <${S} text=${r.title} />
    <p>${t("tutor.status",{status:t("tutor.status."+r.status)})}
      · <a href=${_(["courses",r.id])}>${t("tutor.view")}</a></p>
    <div class="actions">
      <button type="button" class=${x?"secondary":""} onClick=${()=>f(()=>H(p+(x?"/unpublish":"/publish")),t(x?"tutor.unpublished":"tutor.published"))}>
        ${t(x?"tutor.unpublish":"tutor.publish")}</button>
    </div>
    ${g&&n`<${A}>${g}</${A}>`}
    <${T} error=${d} />
    <section aria-labelledby="items-h">
      <h2 id="items-h">${t("tutor.items")}</h2>
      <ol class="items editable">
        ${o.map((u,h)=>n`<li key=${u.id}>
          <span class="kind">${t("kind."+u.kind)}</span>
          <a href=${_(["tutor","courses",e,"items",u.id])} aria-label=${t("tutor.editItem",{title:u.title})}>${u.title}</a>
          ${u.kind!=="text"&&n`<span class=${"badge content-"+(u.content_status||"none")}>${t("tutor.content."+(u.content_status||"none"))}</span>`}
          <span class="tools">
            <button type="button" class="icon" id=${"mv-up-"+u.id} disabled=${h===0} aria-label=${t("tutor.moveUp",{title:u.title})} onClick=${()=>E(h,-1)}>↑</button>
            <button type="button" class="icon" id=${"mv-down-"+u.id} disabled=${h===o.length-1} aria-label=${t("tutor.moveDown",{title:u.title})} onClick=${()=>E(h,1)}>↓</button>
            <button type="button" class="icon danger" aria-label=${t("tutor.remove",{title:u.title})} onClick=${()=>confirm(t("tutor.confirmRemove",{title:u.title}))&&f(()=>rt(p+"/items/"+k(u.id)))}>✕</button>
          </span>
        </li>`)}
      </ol>
      <${mt} courseId=${e} onAdded=${m} />
    </section>
    <${pt} courseId=${e} />
    <section aria-labelledby="details-h">
      <h2 id="details-h">${t("tutor.details")}</h2>
      <${ct} draftKey=${"course-"+e}
        initial=${{title:r.title,description:r.description||"",price:J(r.price.amount,r.price.currency),currency:r.price.currency,interval:r.billing_interval}}
        submitLabel=${t("common.save")} onSubmit=${async u=>l(await X(p,u))} />
    </section>`}function pt({courseId:e}){let[s,r]=y({page:null,list:[],error:null,loading:!0}),l=async c=>{r(i=>({...i,loading:!0,error:null}));try{let i=await I(`/v1/courses/${k(e)}/subscribers?limit=50`+(c?"&cursor="+encodeURIComponent(c):""));r(d=>({page:i,list:[...c?d.list:[],...i.subscribers],error:null,loading:!1}))}catch(i){r(d=>({...d,error:i,loading:!1}))}};P(()=>{l("")},[e]);let{page:o,list:a}=s;return n`<section aria-labelledby="subs-h">
    <h2 id="subs-h">${t("tutor.subscribers")}</h2>
    ${o&&n`<p data-testid="subscriber-count">${t("course.subscribers",{n:o.subscriber_count})}</p>`}
    ${a.length>0&&n`<table class="subscribers">
      <thead><tr><th scope="col">${t("tutor.subscriber")}</th><th scope="col">${t("tutor.since")}</th></tr></thead>
      <tbody>${a.map(c=>n`<tr key=${c.subscription_id}><td><code>${c.user_id.slice(0,8)}</code></td><td>${Q(c.since)}</td></tr>`)}</tbody>
    </table>`}
    ${s.loading&&n`<${D} />`}
    <${T} error=${s.error} />
    ${o&&o.next_cursor&&!s.loading&&n`<button type="button" class="secondary" onClick=${()=>l(o.next_cursor)}>${t("catalog.loadMore")}</button>`}
  </section>`}function mt({courseId:e,onAdded:s}){let[r,l,o]=N("add-item-"+e,{kind:"text",title:"",body:""}),[a,c]=y(null),[i,d]=y(!1),[b,g]=y(j),$=m=>f=>{let E=f.currentTarget.value;l(x=>({...x,[m]:E}))};return n`<form class="form add-item" onSubmit=${async m=>{m.preventDefault(),d(!0),c(null);try{let f={kind:r.kind,title:r.title};r.kind==="text"&&(f.body=r.body),await H(`/v1/courses/${k(e)}/items`,f,{idempotencyKey:b}),g(j()),o(),await s(),document.getElementById("ai-title")?.focus()}catch(f){c(f)}finally{d(!1)}}} aria-labelledby="add-h" novalidate>
    <h3 id="add-h">${t("tutor.addItem")}</h3>
    <div class="row">
      <${v} id="ai-kind" label=${t("tutor.kind")} error=${R(a,"kind")}>${m=>n`<select ...${m} value=${r.kind} onChange=${$("kind")}>
          ${["text","video","file"].map(f=>n`<option value=${f}>${t("kind."+f)}</option>`)}</select>`}</${v}>
      <${v} id="ai-title" label=${t("tutor.itemTitle")} required error=${R(a,"title")}>${m=>n`<input ...${m} value=${r.title} onInput=${$("title")} />`}</${v}>
    </div>
    ${r.kind==="text"&&n`<${v} id="ai-body" label=${t("tutor.body")} error=${R(a,"body")}>${m=>n`<textarea ...${m} rows="5" value=${r.body} onInput=${$("body")}></textarea>`}</${v}>`}
    <${T} error=${a} />
    <button type="submit" disabled=${i}>${t("tutor.add")}</button>
  </form>`}function Ft({courseId:e,itemId:s}){let{gate:r}=U(),[l,o]=y(null),[a,c]=y(null),i=`/v1/courses/${k(e)}/items`,d=async()=>{try{let g=((await I(i)).items||[]).find($=>$.id===s);if(!g)throw Object.assign(new Error("item not found"),{code:"not_found",fields:{}});o(g)}catch(b){c(b)}};return P(()=>{r||d()},[e,s,!!r]),r||(a?n`<${S} text=${t("error."+a.code)} /><${T} error=${a} />`:l?n`
    <p><a href=${_(["tutor","courses",e])}>${t("common.back")}</a></p>
    <${S} text=${l.title} />
    <p><span class="kind">${t("kind."+l.kind)}</span></p>
    <${bt} courseId=${e} item=${l} onSaved=${o} />
    ${l.kind!=="text"&&n`<${gt} courseId=${e} item=${l} onDone=${d} />`}
    ${l.kind==="video"&&n`<${vt} courseId=${e} item=${l} />`}`:n`<${D} />`)}function bt({courseId:e,item:s,onSaved:r}){let[l,o]=N("item-"+s.id,{title:s.title,body:s.body||""}),[a,c]=y(null),[i,d]=y(!1),b=$=>p=>{let m=p.currentTarget.value;d(!1),o(f=>({...f,[$]:m}))};return n`<form class="form" onSubmit=${async $=>{$.preventDefault(),c(null);try{let p={title:l.title};s.kind==="text"&&(p.body=l.body),r(await X(`/v1/courses/${k(e)}/items/${k(s.id)}`,p)),d(!0)}catch(p){c(p)}}} novalidate>
    <${v} id="it-title" label=${t("tutor.itemTitle")} required error=${R(a,"title")}>${$=>n`<input ...${$} value=${l.title} onInput=${b("title")} />`}</${v}>
    ${s.kind==="text"&&n`<${v} id="it-body" label=${t("tutor.body")} error=${R(a,"body")}>${$=>n`<textarea ...${$} rows="8" value=${l.body} onInput=${b("body")}></textarea>`}</${v}>`}
    <${T} error=${a} />
    <button type="submit">${t("common.save")}</button>
    ${i&&n`<${A}>${t("common.saved")}</${A}>`}
  </form>`}var ft={mp4:"video/mp4",webm:"video/webm",mov:"video/quicktime",mkv:"video/x-matroska",pdf:"application/pdf",zip:"application/zip",epub:"application/epub+zip"},yt=e=>e.type||ft[(e.name.split(".").pop()||"").toLowerCase()]||"application/octet-stream",ht=["id","ja","en-PH","es-MX","en","es","fil","ko","zh"];function vt({courseId:e,item:s}){let[r,l]=y(()=>({id:"id",ja:"ja","en-PH":"en-PH","es-MX":"es-MX"})[q().code]||"id"),[o,a]=y(null),[c,i]=y(null),[d,b]=y(!1),[g,$]=y([]),p=async m=>{if(m.preventDefault(),!!o){b(!0),i(null);try{let f=await o.text(),E=await B(`/v1/courses/${k(e)}/items/${k(s.id)}/captions/${k(r)}`,void 0,{raw:f,type:"text/vtt"});$(x=>[E,...x.filter(u=>u.language!==E.language)])}catch(f){i(f)}finally{b(!1)}}};return n`<section class="captions" aria-labelledby="cap-h">
    <h2 id="cap-h">${t("tutor.captions")}</h2>
    <form class="form" onSubmit=${p} novalidate>
      <${v} id="cap-lang" label=${t("tutor.captions.language")}>${m=>n`<select ...${m} value=${r} onChange=${f=>l(f.currentTarget.value)}>
          ${ht.map(f=>n`<option value=${f}>${z(f)} (${f})</option>`)}</select>`}</${v}>
      <${v} id="cap-file" label=${t("tutor.captions.file")} hint=${t("tutor.captions.hint")} error=${c&&c.code==="invalid"?c.message:""}>${m=>n`<input ...${m} type="file" accept=".vtt,text/vtt" onChange=${f=>a(f.currentTarget.files[0]||null)} />`}</${v}>
      ${c&&c.code!=="invalid"&&n`<${T} error=${c} />`}
      <button type="submit" disabled=${d||!o}>${t("tutor.captions.upload")}</button>
    </form>
    <div role="status" aria-live="polite" data-testid="captions-status">
      ${g.map(m=>n`<p key=${m.language}>${t("tutor.captions.saved",{name:z(m.language)||m.name})}</p>`)}
    </div>
  </section>`}function gt({courseId:e,item:s,onDone:r}){let[l,o]=y(null),[a,c]=y("idle"),[i,d]=y(0),[b,g]=y(""),[$,p]=y(null),m=`/v1/courses/${k(e)}/items/${k(s.id)}/uploads`,f=async x=>{if(x.preventDefault(),!!l){p(null),g(""),d(0),c("sending");try{let u=await lt(l),h=await H(m,{content_type:yt(l),size:l.size,file_name:l.name,...u&&{sha256:u}});await ut(l,h,{onProgress:(w,C)=>{d(Math.floor(w/C*100)),c("sending")},onResuming:()=>c("resuming")}),d(100),c("checking");for(let w=500;;w=Math.min(w*1.5,3e3)){let C=await I(m+"/"+k(h.id));if(C.status==="ready"){c("ready");break}if(C.status==="rejected"){g(C.reason||""),c("rejected");break}await new Promise(dt=>setTimeout(dt,w))}r&&r()}catch(u){p(u),c("failed")}}},E=a==="sending"||a==="resuming"||a==="checking";return n`<section class="uploader" aria-labelledby="media-h">
    <h2 id="media-h">${t("tutor.media")}</h2>
    <p><span class=${"badge content-"+(s.content_status||"none")}>${t("tutor.content."+(s.content_status||"none"))}</span></p>
    <form onSubmit=${f}>
      <div class="field">
        <label for="up-file">${t("tutor.chooseFile")}</label>
        <input id="up-file" type="file" accept=${s.kind==="video"?"video/*":void 0} disabled=${E}
          onChange=${x=>o(x.currentTarget.files[0]||null)} />
      </div>
      <button type="submit" disabled=${!l||E}>${t("tutor.upload")}</button>
    </form>
    ${a!=="idle"&&n`<div class="progress">
      <label for="up-progress">${t("tutor.uploadProgress")}</label>
      <progress id="up-progress" max="100" value=${i}>${i}%</progress>
    </div>`}
    <div role="status" aria-live="polite" class="status" data-testid="upload-status">
      ${a==="sending"&&t("tutor.uploading",{pct:i})}
      ${a==="resuming"&&t("tutor.uploadResuming")}
      ${a==="checking"&&t("tutor.uploadChecking")}
      ${a==="ready"&&t("tutor.uploadReady")}
    </div>
    ${a==="rejected"&&n`<div class="error" role="alert"><p>${t("tutor.uploadRejected",{reason:b})}</p></div>`}
    ${a==="failed"&&n`<${T} error=${$&&$.code?$:null} message=${$&&!$.code?t("tutor.uploadFailed",{reason:$.message}):""} />`}
  </section>`}export{Dt as TutorCourse,Pt as TutorHome,Ft as TutorItem,Ht as TutorNew};
