import{a as rt}from"./chunk-RW2HKWA5.js";import{A as V,C as W,G as O,H as _,I as P,J as z,K as Z,L as tt,M as E,N as R,O as v,P as T,Q as et,R as S,S as A,T as D,b as h,c as N,e as a,f as F,i as U,j as B,l as X,n as e,p as K,q as J,u as Y,x as M,y as G,z as Q}from"./chunk-2QOAMD4E.js";var I=class extends Error{constructor(o,r){super(o),this.status=r||0}};function L(t,o,r,l,s,i){return new Promise((u,p)=>{let $=new XMLHttpRequest;$.open(t,o);for(let[m,y]of Object.entries(r||{}))$.setRequestHeader(m,y);if(s&&($.upload.onprogress=m=>s(m.loaded)),$.onload=()=>u($),$.onerror=()=>p(new I("network error")),$.ontimeout=()=>p(new I("timed out")),$.onabort=()=>p(new DOMException("aborted","AbortError")),i){if(i.aborted)return p(new DOMException("aborted","AbortError"));i.addEventListener("abort",()=>$.abort(),{once:!0})}$.send(l)})}var ot=(t,o)=>new Promise((r,l)=>{let s=setTimeout(r,t);o?.addEventListener("abort",()=>{clearTimeout(s),l(new DOMException("aborted","AbortError"))})}),q=t=>t===200||t===201;function st(t){let o=/bytes=0-(\d+)/.exec(t||"");return o?Number(o[1])+1:0}async function nt(t,o,{onProgress:r,onResuming:l,signal:s}={}){let i=t.size,u=c=>r&&r(Math.min(c,i),i);if(!o.resumable){let c=await L(o.method,o.url,o.headers,t,u,s);if(!q(c.status))throw new I(H(c),c.status);u(i);return}let p=await L(o.method,o.url,o.headers,null,null,s),$=p.getResponseHeader("Location");if(!q(p.status)||!$)throw new I(H(p),p.status);let m=0,y=0;for(;m<i;){let c=Math.min(m+8388608,i);try{let d=await L("PUT",$,{"Content-Range":`bytes ${m}-${c-1}/${i}`},t.slice(m,c),f=>u(m+f),s);if(q(d.status))m=i;else if(d.status===308)m=st(d.getResponseHeader("Range")),y=0;else throw d.status>=500||d.status===429?new I(H(d),d.status):Object.assign(new I(H(d),d.status),{fatal:!0})}catch(d){if(d.name==="AbortError"||d.fatal||++y>8)throw d;l&&l(),await ot(Math.min(250*2**y,8e3),s),m=await ct($,i,s)}u(m)}}async function ct(t,o,r){for(let l=0;;l++)try{let s=await L("PUT",t,{"Content-Range":`bytes */${o}`},null,null,r);if(q(s.status))return o;if(s.status===308)return st(s.getResponseHeader("Range"));throw Object.assign(new I(H(s),s.status),{fatal:!0})}catch(s){if(s.name==="AbortError"||s.fatal||l>=8)throw s;await ot(Math.min(500*2**l,8e3),r)}}function H(t){let o=(t.responseText||"").slice(0,300),r=/<Message>([^<]*)<\/Message>/.exec(o);return(r?r[1]:o.trim())||"HTTP "+t.status}async function it(t){if(t.size>64*1024*1024||!crypto.subtle)return"";let o=await crypto.subtle.digest("SHA-256",await t.arrayBuffer());return[...new Uint8Array(o)].map(r=>r.toString(16).padStart(2,"0")).join("")}var at=t=>{try{return JSON.parse(localStorage.getItem("kw.tutor."+t)||"[]")}catch{return[]}},dt=(t,o)=>{try{localStorage.setItem("kw.tutor."+t,JSON.stringify([o,...at(t).filter(r=>r!==o)].slice(0,100)))}catch{}};function j(){let t=V();return t?W(t,"tutor")?{s:t}:{gate:a`<${S} text=${e("tutor.title")} /><p class="note">${e("tutor.needTutor")}</p>`}:{gate:a`<${S} text=${e("tutor.title")} /><p><a class="button" href=${M(["login"],{next:Q()})}>${e("nav.login")}</a></p>`}}function St(){let{s:t,gate:o}=j(),[r,l]=h(null),[s,i]=h(null);return N(()=>{t&&(async()=>{try{let u=at(t.user.id),p=await Promise.all(u.map(y=>_("/v1/courses/"+E(y)).catch(()=>null))),m=((await _("/v1/courses?limit=100")).courses||[]).filter(y=>y.tutor_id===t.user.id&&!u.includes(y.id));l([...p.filter(Boolean),...m])}catch(u){i(u)}})()},[t&&t.user.id]),o||a`
    <${S} text=${e("tutor.title")} />
    <p><a class="button" href="#/tutor/new">${e("tutor.newCourse")}</a></p>
    <section aria-labelledby="mine-h">
      <h2 id="mine-h">${e("tutor.myCourses")}</h2>
      <p class="hint">${e("tutor.deviceNote")}</p>
      <${R} error=${s} />
      ${!r&&!s&&a`<${D} />`}
      ${r&&r.length===0&&a`<p>${e("tutor.noCourses")}</p>`}
      ${r&&r.length>0&&a`<ul class="cards">${r.map(u=>a`<li class="card" key=${u.id}>
        <h3><a href=${M(["tutor","courses",u.id])}>${u.title}</a></h3>
        <p>${e("tutor.status",{status:e("tutor.status."+u.status)})}</p>
        <p class="price">${rt(u)}</p>
      </li>`)}</ul>`}
    </section>`}function ut({draftKey:t,initial:o,submitLabel:r,onSubmit:l}){let[s,i,u]=F(t,o),[p,$]=h(null),[m,y]=h(!1),[c,d]=h(!1),f=n=>b=>{let g=b.currentTarget.value;d(!1),i(k=>({...k,[n]:g}))},w=async n=>{n.preventDefault(),y(!0),$(null);let b=K(s.price,s.currency);try{await l({title:s.title,description:s.description,price:{amount:b===null?-1:b,currency:s.currency},billing_interval:s.interval}),d(!0),u()}catch(g){$(g)}finally{y(!1)}},C=B[s.currency]===0||s.currency==="IDR"?"1":"0.01",x=["title","description","price","price.amount","price.currency","billing_interval"];return a`<form class="form" onSubmit=${w} novalidate>
    <${v} id=${t+"-title"} label=${e("tutor.courseTitle")} required error=${T(p,"title")}>${n=>a`<input ...${n} value=${s.title} onInput=${f("title")} />`}</${v}>
    <${v} id=${t+"-desc"} label=${e("tutor.description")} error=${T(p,"description")}>${n=>a`<textarea ...${n} rows="4" value=${s.description} onInput=${f("description")}></textarea>`}</${v}>
    <div class="row">
      <${v} id=${t+"-price"} label=${e("tutor.price")} required error=${T(p,"price.amount","price")}>${n=>a`<input ...${n} type="number" min="0" step=${C} inputmode="decimal" value=${s.price} onInput=${f("price")} />`}</${v}>
      <${v} id=${t+"-cur"} label=${e("tutor.currency")} error=${T(p,"price.currency")}>${n=>a`<select ...${n} value=${s.currency} onChange=${f("currency")}>${U.map(b=>a`<option value=${b}>${Y(b)} (${b})</option>`)}</select>`}</${v}>
      <${v} id=${t+"-int"} label=${e("tutor.interval")} error=${T(p,"billing_interval")}>${n=>a`<select ...${n} value=${s.interval} onChange=${f("interval")}>
          <option value="month">${e("tutor.interval.month")}</option><option value="year">${e("tutor.interval.year")}</option></select>`}</${v}>
    </div>
    <${R} error=${p} />
    ${et(p,x).map(([n,b])=>a`<p class="field-error">${n}: <span lang="en">${b}</span></p>`)}
    <button type="submit" disabled=${m}>${r}</button>
    ${c&&a`<${A}>${e("common.saved")}</${A}>`}
  </form>`}function It(){let{s:t,gate:o}=j(),[r]=h(O);if(o)return o;let l=X(),s=async i=>{let u=await P("/v1/courses",i,{idempotencyKey:r});dt(t.user.id,u.id),G(M(["tutor","courses",u.id]))};return a`<${S} text=${e("tutor.newCourse")} />
    <${ut} draftKey="new-course" initial=${{title:"",description:"",price:"",currency:l.currency,interval:"month"}}
      submitLabel=${e("tutor.create")} onSubmit=${s} />`}function Mt({id:t}){let{gate:o}=j(),[r,l]=h(null),[s,i]=h([]),[u,p]=h(null),[$,m]=h(null),[y,c]=h(""),d="/v1/courses/"+E(t),f=async()=>{try{let[n,b]=await Promise.all([_(d),_(d+"/items")]);l(n),i(b.items||[])}catch(n){p(n)}};if(N(()=>{o||f()},[t,!!o]),o)return o;if(u)return a`<${S} text=${e("error."+u.code)} /><${R} error=${u} />`;if(!r)return a`<${D} />`;let w=async(n,b)=>{m(null),c("");try{await n(),b&&c(b),await f()}catch(g){m(g)}},C=(n,b)=>{let g=s.map(k=>k.id);return[g[n],g[n+b]]=[g[n+b],g[n]],w(async()=>{let k=await Z(d+"/items/order",{item_ids:g});i(k.items),requestAnimationFrame(()=>document.getElementById(`mv-${b<0?"up":"down"}-${g[n+b]}`)?.focus())})},x=r.status==="published";return a`
    <${S} text=${r.title} />
    <p>${e("tutor.status",{status:e("tutor.status."+r.status)})}
      · <a href=${M(["courses",r.id])}>${e("tutor.view")}</a></p>
    <div class="actions">
      <button type="button" class=${x?"secondary":""} onClick=${()=>w(()=>P(d+(x?"/unpublish":"/publish")),e(x?"tutor.unpublished":"tutor.published"))}>
        ${e(x?"tutor.unpublish":"tutor.publish")}</button>
    </div>
    ${y&&a`<${A}>${y}</${A}>`}
    <${R} error=${$} />
    <section aria-labelledby="items-h">
      <h2 id="items-h">${e("tutor.items")}</h2>
      <ol class="items editable">
        ${s.map((n,b)=>a`<li key=${n.id}>
          <span class="kind">${e("kind."+n.kind)}</span>
          <a href=${M(["tutor","courses",t,"items",n.id])} aria-label=${e("tutor.editItem",{title:n.title})}>${n.title}</a>
          ${n.kind!=="text"&&a`<span class=${"badge content-"+(n.content_status||"none")}>${e("tutor.content."+(n.content_status||"none"))}</span>`}
          <span class="tools">
            <button type="button" class="icon" id=${"mv-up-"+n.id} disabled=${b===0} aria-label=${e("tutor.moveUp",{title:n.title})} onClick=${()=>C(b,-1)}>↑</button>
            <button type="button" class="icon" id=${"mv-down-"+n.id} disabled=${b===s.length-1} aria-label=${e("tutor.moveDown",{title:n.title})} onClick=${()=>C(b,1)}>↓</button>
            <button type="button" class="icon danger" aria-label=${e("tutor.remove",{title:n.title})} onClick=${()=>confirm(e("tutor.confirmRemove",{title:n.title}))&&w(()=>tt(d+"/items/"+E(n.id)))}>✕</button>
          </span>
        </li>`)}
      </ol>
      <${$t} courseId=${t} onAdded=${f} />
    </section>
    <section aria-labelledby="details-h">
      <h2 id="details-h">${e("tutor.details")}</h2>
      <${ut} draftKey=${"course-"+t}
        initial=${{title:r.title,description:r.description||"",price:J(r.price.amount,r.price.currency),currency:r.price.currency,interval:r.billing_interval}}
        submitLabel=${e("common.save")} onSubmit=${async n=>l(await z(d,n))} />
    </section>`}function $t({courseId:t,onAdded:o}){let[r,l,s]=F("add-item-"+t,{kind:"text",title:"",body:""}),[i,u]=h(null),[p,$]=h(!1),[m,y]=h(O),c=f=>w=>{let C=w.currentTarget.value;l(x=>({...x,[f]:C}))};return a`<form class="form add-item" onSubmit=${async f=>{f.preventDefault(),$(!0),u(null);try{let w={kind:r.kind,title:r.title};r.kind==="text"&&(w.body=r.body),await P(`/v1/courses/${E(t)}/items`,w,{idempotencyKey:m}),y(O()),s(),await o(),document.getElementById("ai-title")?.focus()}catch(w){u(w)}finally{$(!1)}}} aria-labelledby="add-h" novalidate>
    <h3 id="add-h">${e("tutor.addItem")}</h3>
    <div class="row">
      <${v} id="ai-kind" label=${e("tutor.kind")} error=${T(i,"kind")}>${f=>a`<select ...${f} value=${r.kind} onChange=${c("kind")}>
          ${["text","video","file"].map(w=>a`<option value=${w}>${e("kind."+w)}</option>`)}</select>`}</${v}>
      <${v} id="ai-title" label=${e("tutor.itemTitle")} required error=${T(i,"title")}>${f=>a`<input ...${f} value=${r.title} onInput=${c("title")} />`}</${v}>
    </div>
    ${r.kind==="text"&&a`<${v} id="ai-body" label=${e("tutor.body")} error=${T(i,"body")}>${f=>a`<textarea ...${f} rows="5" value=${r.body} onInput=${c("body")}></textarea>`}</${v}>`}
    <${R} error=${i} />
    <button type="submit" disabled=${p}>${e("tutor.add")}</button>
  </form>`}function _t({courseId:t,itemId:o}){let{gate:r}=j(),[l,s]=h(null),[i,u]=h(null),p=`/v1/courses/${E(t)}/items`,$=async()=>{try{let y=((await _(p)).items||[]).find(c=>c.id===o);if(!y)throw Object.assign(new Error("item not found"),{code:"not_found",fields:{}});s(y)}catch(m){u(m)}};return N(()=>{r||$()},[t,o,!!r]),r||(i?a`<${S} text=${e("error."+i.code)} /><${R} error=${i} />`:l?a`
    <p><a href=${M(["tutor","courses",t])}>${e("common.back")}</a></p>
    <${S} text=${l.title} />
    <p><span class="kind">${e("kind."+l.kind)}</span></p>
    <${pt} courseId=${t} item=${l} onSaved=${s} />
    ${l.kind!=="text"&&a`<${ft} courseId=${t} item=${l} onDone=${$} />`}`:a`<${D} />`)}function pt({courseId:t,item:o,onSaved:r}){let[l,s]=F("item-"+o.id,{title:o.title,body:o.body||""}),[i,u]=h(null),[p,$]=h(!1),m=c=>d=>{let f=d.currentTarget.value;$(!1),s(w=>({...w,[c]:f}))};return a`<form class="form" onSubmit=${async c=>{c.preventDefault(),u(null);try{let d={title:l.title};o.kind==="text"&&(d.body=l.body),r(await z(`/v1/courses/${E(t)}/items/${E(o.id)}`,d)),$(!0)}catch(d){u(d)}}} novalidate>
    <${v} id="it-title" label=${e("tutor.itemTitle")} required error=${T(i,"title")}>${c=>a`<input ...${c} value=${l.title} onInput=${m("title")} />`}</${v}>
    ${o.kind==="text"&&a`<${v} id="it-body" label=${e("tutor.body")} error=${T(i,"body")}>${c=>a`<textarea ...${c} rows="8" value=${l.body} onInput=${m("body")}></textarea>`}</${v}>`}
    <${R} error=${i} />
    <button type="submit">${e("common.save")}</button>
    ${p&&a`<${A}>${e("common.saved")}</${A}>`}
  </form>`}var mt={mp4:"video/mp4",webm:"video/webm",mov:"video/quicktime",mkv:"video/x-matroska",pdf:"application/pdf",zip:"application/zip",epub:"application/epub+zip"},bt=t=>t.type||mt[(t.name.split(".").pop()||"").toLowerCase()]||"application/octet-stream";function ft({courseId:t,item:o,onDone:r}){let[l,s]=h(null),[i,u]=h("idle"),[p,$]=h(0),[m,y]=h(""),[c,d]=h(null),f=`/v1/courses/${E(t)}/items/${E(o.id)}/uploads`,w=async x=>{if(x.preventDefault(),!!l){d(null),y(""),$(0),u("sending");try{let n=await it(l),b=await P(f,{content_type:bt(l),size:l.size,file_name:l.name,...n&&{sha256:n}});await nt(l,b,{onProgress:(g,k)=>{$(Math.floor(g/k*100)),u("sending")},onResuming:()=>u("resuming")}),$(100),u("checking");for(let g=500;;g=Math.min(g*1.5,3e3)){let k=await _(f+"/"+E(b.id));if(k.status==="ready"){u("ready");break}if(k.status==="rejected"){y(k.reason||""),u("rejected");break}await new Promise(lt=>setTimeout(lt,g))}r&&r()}catch(n){d(n),u("failed")}}},C=i==="sending"||i==="resuming"||i==="checking";return a`<section class="uploader" aria-labelledby="media-h">
    <h2 id="media-h">${e("tutor.media")}</h2>
    <p><span class=${"badge content-"+(o.content_status||"none")}>${e("tutor.content."+(o.content_status||"none"))}</span></p>
    <form onSubmit=${w}>
      <div class="field">
        <label for="up-file">${e("tutor.chooseFile")}</label>
        <input id="up-file" type="file" accept=${o.kind==="video"?"video/*":void 0} disabled=${C}
          onChange=${x=>s(x.currentTarget.files[0]||null)} />
      </div>
      <button type="submit" disabled=${!l||C}>${e("tutor.upload")}</button>
    </form>
    ${i!=="idle"&&a`<div class="progress">
      <label for="up-progress">${e("tutor.uploadProgress")}</label>
      <progress id="up-progress" max="100" value=${p}>${p}%</progress>
    </div>`}
    <div role="status" aria-live="polite" class="status" data-testid="upload-status">
      ${i==="sending"&&e("tutor.uploading",{pct:p})}
      ${i==="resuming"&&e("tutor.uploadResuming")}
      ${i==="checking"&&e("tutor.uploadChecking")}
      ${i==="ready"&&e("tutor.uploadReady")}
    </div>
    ${i==="rejected"&&a`<div class="error" role="alert"><p>${e("tutor.uploadRejected",{reason:m})}</p></div>`}
    ${i==="failed"&&a`<${R} error=${c&&c.code?c:null} message=${c&&!c.code?e("tutor.uploadFailed",{reason:c.message}):""} />`}
  </section>`}export{Mt as TutorCourse,St as TutorHome,_t as TutorItem,It as TutorNew};
