import{a as rt}from"./chunk-WYPRH2OX.js";import{C as W,E as C,F as v,G as x,H as Z,I as R,J as _,K as O,L as D,M as A,N as P,O as z,P as tt,Q as et,R as k,b as h,c as N,e as a,f as F,i as U,j as B,l as X,n as e,p as K,q as J,u as Y,w as M,x as G,y as Q,z as V}from"./chunk-R57K5MG7.js";var S=class extends Error{constructor(o,r){super(o),this.status=r||0}};function L(t,o,r,u,s,i){return new Promise((l,p)=>{let $=new XMLHttpRequest;$.open(t,o);for(let[m,f]of Object.entries(r||{}))$.setRequestHeader(m,f);if(s&&($.upload.onprogress=m=>s(m.loaded)),$.onload=()=>l($),$.onerror=()=>p(new S("network error")),$.ontimeout=()=>p(new S("timed out")),$.onabort=()=>p(new DOMException("aborted","AbortError")),i){if(i.aborted)return p(new DOMException("aborted","AbortError"));i.addEventListener("abort",()=>$.abort(),{once:!0})}$.send(u)})}var ot=(t,o)=>new Promise((r,u)=>{let s=setTimeout(r,t);o?.addEventListener("abort",()=>{clearTimeout(s),u(new DOMException("aborted","AbortError"))})}),q=t=>t===200||t===201;function st(t){let o=/bytes=0-(\d+)/.exec(t||"");return o?Number(o[1])+1:0}async function nt(t,o,{onProgress:r,onResuming:u,signal:s}={}){let i=t.size,l=c=>r&&r(Math.min(c,i),i);if(!o.resumable){let c=await L(o.method,o.url,o.headers,t,l,s);if(!q(c.status))throw new S(H(c),c.status);l(i);return}let p=await L(o.method,o.url,o.headers,null,null,s),$=p.getResponseHeader("Location");if(!q(p.status)||!$)throw new S(H(p),p.status);let m=0,f=0;for(;m<i;){let c=Math.min(m+8388608,i);try{let d=await L("PUT",$,{"Content-Range":`bytes ${m}-${c-1}/${i}`},t.slice(m,c),y=>l(m+y),s);if(q(d.status))m=i;else if(d.status===308)m=st(d.getResponseHeader("Range")),f=0;else throw d.status>=500||d.status===429?new S(H(d),d.status):Object.assign(new S(H(d),d.status),{fatal:!0})}catch(d){if(d.name==="AbortError"||d.fatal||++f>8)throw d;u&&u(),await ot(Math.min(250*2**f,8e3),s),m=await ct($,i,s)}l(m)}}async function ct(t,o,r){for(let u=0;;u++)try{let s=await L("PUT",t,{"Content-Range":`bytes */${o}`},null,null,r);if(q(s.status))return o;if(s.status===308)return st(s.getResponseHeader("Range"));throw Object.assign(new S(H(s),s.status),{fatal:!0})}catch(s){if(s.name==="AbortError"||s.fatal||u>=8)throw s;await ot(Math.min(500*2**u,8e3),r)}}function H(t){let o=(t.responseText||"").slice(0,300),r=/<Message>([^<]*)<\/Message>/.exec(o);return(r?r[1]:o.trim())||"HTTP "+t.status}async function it(t){if(t.size>64*1024*1024||!crypto.subtle)return"";let o=await crypto.subtle.digest("SHA-256",await t.arrayBuffer());return[...new Uint8Array(o)].map(r=>r.toString(16).padStart(2,"0")).join("")}var at=t=>{try{return JSON.parse(localStorage.getItem("kw.tutor."+t)||"[]")}catch{return[]}},dt=(t,o)=>{try{localStorage.setItem("kw.tutor."+t,JSON.stringify([o,...at(t).filter(r=>r!==o)].slice(0,100)))}catch{}};function j(){let t=V();return t?W(t,"tutor")?{s:t}:{gate:a`<${R} text=${e("tutor.title")} /><p class="note">${e("tutor.needTutor")}</p>`}:{gate:a`<${R} text=${e("tutor.title")} /><p><a class="button" href=${M(["login"],{next:Q()})}>${e("nav.login")}</a></p>`}}function St(){let{s:t,gate:o}=j(),[r,u]=h(null),[s,i]=h(null);return N(()=>{t&&(async()=>{try{let l=at(t.user.id),p=await Promise.all(l.map(f=>A("/v1/courses/"+k(f)).catch(()=>null))),m=((await A("/v1/courses?limit=100")).courses||[]).filter(f=>f.tutor_id===t.user.id&&!l.includes(f.id));u([...p.filter(Boolean),...m])}catch(l){i(l)}})()},[t&&t.user.id]),o||a`
    <${R} text=${e("tutor.title")} />
    <p><a class="button" href="#/tutor/new">${e("tutor.newCourse")}</a></p>
    <section aria-labelledby="mine-h">
      <h2 id="mine-h">${e("tutor.myCourses")}</h2>
      <p class="hint">${e("tutor.deviceNote")}</p>
      <${C} error=${s} />
      ${!r&&!s&&a`<${O} />`}
      ${r&&r.length===0&&a`<p>${e("tutor.noCourses")}</p>`}
      ${r&&r.length>0&&a`<ul class="cards">${r.map(l=>a`<li class="card" key=${l.id}>
        <h3><a href=${M(["tutor","courses",l.id])}>${l.title}</a></h3>
        <p>${e("tutor.status",{status:e("tutor.status."+l.status)})}</p>
        <p class="price">${rt(l)}</p>
      </li>`)}</ul>`}
    </section>`}function ut({draftKey:t,initial:o,submitLabel:r,onSubmit:u}){let[s,i,l]=F(t,o),[p,$]=h(null),[m,f]=h(!1),[c,d]=h(!1),y=n=>b=>{d(!1),i({...s,[n]:b.currentTarget.value})},w=async n=>{n.preventDefault(),f(!0),$(null);let b=K(s.price,s.currency);try{await u({title:s.title,description:s.description,price:{amount:b===null?-1:b,currency:s.currency},billing_interval:s.interval}),d(!0),l()}catch(g){$(g)}finally{f(!1)}},I=B[s.currency]===0||s.currency==="IDR"?"1":"0.01",E=["title","description","price","price.amount","price.currency","billing_interval"];return a`<form class="form" onSubmit=${w} novalidate>
    <${v} id=${t+"-title"} label=${e("tutor.courseTitle")} required error=${x(p,"title")}>${n=>a`<input ...${n} value=${s.title} onInput=${y("title")} />`}</${v}>
    <${v} id=${t+"-desc"} label=${e("tutor.description")} error=${x(p,"description")}>${n=>a`<textarea ...${n} rows="4" value=${s.description} onInput=${y("description")}></textarea>`}</${v}>
    <div class="row">
      <${v} id=${t+"-price"} label=${e("tutor.price")} required error=${x(p,"price.amount","price")}>${n=>a`<input ...${n} type="number" min="0" step=${I} inputmode="decimal" value=${s.price} onInput=${y("price")} />`}</${v}>
      <${v} id=${t+"-cur"} label=${e("tutor.currency")} error=${x(p,"price.currency")}>${n=>a`<select ...${n} value=${s.currency} onChange=${y("currency")}>${U.map(b=>a`<option value=${b}>${Y(b)} (${b})</option>`)}</select>`}</${v}>
      <${v} id=${t+"-int"} label=${e("tutor.interval")} error=${x(p,"billing_interval")}>${n=>a`<select ...${n} value=${s.interval} onChange=${y("interval")}>
          <option value="month">${e("tutor.interval.month")}</option><option value="year">${e("tutor.interval.year")}</option></select>`}</${v}>
    </div>
    <${C} error=${p} />
    ${Z(p,E).map(([n,b])=>a`<p class="field-error">${n}: <span lang="en">${b}</span></p>`)}
    <button type="submit" disabled=${m}>${r}</button>
    ${c&&a`<${_}>${e("common.saved")}</${_}>`}
  </form>`}function It(){let{s:t,gate:o}=j(),[r]=h(D);if(o)return o;let u=X(),s=async i=>{let l=await P("/v1/courses",i,{idempotencyKey:r});dt(t.user.id,l.id),G(M(["tutor","courses",l.id]))};return a`<${R} text=${e("tutor.newCourse")} />
    <${ut} draftKey="new-course" initial=${{title:"",description:"",price:"",currency:u.currency,interval:"month"}}
      submitLabel=${e("tutor.create")} onSubmit=${s} />`}function Mt({id:t}){let{gate:o}=j(),[r,u]=h(null),[s,i]=h([]),[l,p]=h(null),[$,m]=h(null),[f,c]=h(""),d="/v1/courses/"+k(t),y=async()=>{try{let[n,b]=await Promise.all([A(d),A(d+"/items")]);u(n),i(b.items||[])}catch(n){p(n)}};if(N(()=>{o||y()},[t,!!o]),o)return o;if(l)return a`<${R} text=${e("error."+l.code)} /><${C} error=${l} />`;if(!r)return a`<${O} />`;let w=async(n,b)=>{m(null),c("");try{await n(),b&&c(b),await y()}catch(g){m(g)}},I=(n,b)=>{let g=s.map(T=>T.id);return[g[n],g[n+b]]=[g[n+b],g[n]],w(async()=>{let T=await tt(d+"/items/order",{item_ids:g});i(T.items),requestAnimationFrame(()=>document.getElementById(`mv-${b<0?"up":"down"}-${g[n+b]}`)?.focus())})},E=r.status==="published";return a`
    <${R} text=${r.title} />
    <p>${e("tutor.status",{status:e("tutor.status."+r.status)})}
      · <a href=${M(["courses",r.id])}>${e("tutor.view")}</a></p>
    <div class="actions">
      <button type="button" class=${E?"secondary":""} onClick=${()=>w(()=>P(d+(E?"/unpublish":"/publish")),e(E?"tutor.unpublished":"tutor.published"))}>
        ${e(E?"tutor.unpublish":"tutor.publish")}</button>
    </div>
    ${f&&a`<${_}>${f}</${_}>`}
    <${C} error=${$} />
    <section aria-labelledby="items-h">
      <h2 id="items-h">${e("tutor.items")}</h2>
      <ol class="items editable">
        ${s.map((n,b)=>a`<li key=${n.id}>
          <span class="kind">${e("kind."+n.kind)}</span>
          <a href=${M(["tutor","courses",t,"items",n.id])} aria-label=${e("tutor.editItem",{title:n.title})}>${n.title}</a>
          ${n.kind!=="text"&&a`<span class=${"badge content-"+(n.content_status||"none")}>${e("tutor.content."+(n.content_status||"none"))}</span>`}
          <span class="tools">
            <button type="button" class="icon" id=${"mv-up-"+n.id} disabled=${b===0} aria-label=${e("tutor.moveUp",{title:n.title})} onClick=${()=>I(b,-1)}>↑</button>
            <button type="button" class="icon" id=${"mv-down-"+n.id} disabled=${b===s.length-1} aria-label=${e("tutor.moveDown",{title:n.title})} onClick=${()=>I(b,1)}>↓</button>
            <button type="button" class="icon danger" aria-label=${e("tutor.remove",{title:n.title})} onClick=${()=>confirm(e("tutor.confirmRemove",{title:n.title}))&&w(()=>et(d+"/items/"+k(n.id)))}>✕</button>
          </span>
        </li>`)}
      </ol>
      <${$t} courseId=${t} onAdded=${y} />
    </section>
    <section aria-labelledby="details-h">
      <h2 id="details-h">${e("tutor.details")}</h2>
      <${ut} draftKey=${"course-"+t}
        initial=${{title:r.title,description:r.description||"",price:J(r.price.amount,r.price.currency),currency:r.price.currency,interval:r.billing_interval}}
        submitLabel=${e("common.save")} onSubmit=${async n=>u(await z(d,n))} />
    </section>`}function $t({courseId:t,onAdded:o}){let[r,u,s]=F("add-item-"+t,{kind:"text",title:"",body:""}),[i,l]=h(null),[p,$]=h(!1),[m,f]=h(D),c=y=>w=>u({...r,[y]:w.currentTarget.value});return a`<form class="form add-item" onSubmit=${async y=>{y.preventDefault(),$(!0),l(null);try{let w={kind:r.kind,title:r.title};r.kind==="text"&&(w.body=r.body),await P(`/v1/courses/${k(t)}/items`,w,{idempotencyKey:m}),f(D()),s(),await o(),document.getElementById("ai-title")?.focus()}catch(w){l(w)}finally{$(!1)}}} aria-labelledby="add-h" novalidate>
    <h3 id="add-h">${e("tutor.addItem")}</h3>
    <div class="row">
      <${v} id="ai-kind" label=${e("tutor.kind")} error=${x(i,"kind")}>${y=>a`<select ...${y} value=${r.kind} onChange=${c("kind")}>
          ${["text","video","file"].map(w=>a`<option value=${w}>${e("kind."+w)}</option>`)}</select>`}</${v}>
      <${v} id="ai-title" label=${e("tutor.itemTitle")} required error=${x(i,"title")}>${y=>a`<input ...${y} value=${r.title} onInput=${c("title")} />`}</${v}>
    </div>
    ${r.kind==="text"&&a`<${v} id="ai-body" label=${e("tutor.body")} error=${x(i,"body")}>${y=>a`<textarea ...${y} rows="5" value=${r.body} onInput=${c("body")}></textarea>`}</${v}>`}
    <${C} error=${i} />
    <button type="submit" disabled=${p}>${e("tutor.add")}</button>
  </form>`}function _t({courseId:t,itemId:o}){let{gate:r}=j(),[u,s]=h(null),[i,l]=h(null),p=`/v1/courses/${k(t)}/items`,$=async()=>{try{let f=((await A(p)).items||[]).find(c=>c.id===o);if(!f)throw Object.assign(new Error("item not found"),{code:"not_found",fields:{}});s(f)}catch(m){l(m)}};return N(()=>{r||$()},[t,o,!!r]),r||(i?a`<${R} text=${e("error."+i.code)} /><${C} error=${i} />`:u?a`
    <p><a href=${M(["tutor","courses",t])}>${e("common.back")}</a></p>
    <${R} text=${u.title} />
    <p><span class="kind">${e("kind."+u.kind)}</span></p>
    <${pt} courseId=${t} item=${u} onSaved=${s} />
    ${u.kind!=="text"&&a`<${ft} courseId=${t} item=${u} onDone=${$} />`}`:a`<${O} />`)}function pt({courseId:t,item:o,onSaved:r}){let[u,s]=F("item-"+o.id,{title:o.title,body:o.body||""}),[i,l]=h(null),[p,$]=h(!1),m=c=>d=>{$(!1),s({...u,[c]:d.currentTarget.value})};return a`<form class="form" onSubmit=${async c=>{c.preventDefault(),l(null);try{let d={title:u.title};o.kind==="text"&&(d.body=u.body),r(await z(`/v1/courses/${k(t)}/items/${k(o.id)}`,d)),$(!0)}catch(d){l(d)}}} novalidate>
    <${v} id="it-title" label=${e("tutor.itemTitle")} required error=${x(i,"title")}>${c=>a`<input ...${c} value=${u.title} onInput=${m("title")} />`}</${v}>
    ${o.kind==="text"&&a`<${v} id="it-body" label=${e("tutor.body")} error=${x(i,"body")}>${c=>a`<textarea ...${c} rows="8" value=${u.body} onInput=${m("body")}></textarea>`}</${v}>`}
    <${C} error=${i} />
    <button type="submit">${e("common.save")}</button>
    ${p&&a`<${_}>${e("common.saved")}</${_}>`}
  </form>`}var mt={mp4:"video/mp4",webm:"video/webm",mov:"video/quicktime",mkv:"video/x-matroska",pdf:"application/pdf",zip:"application/zip",epub:"application/epub+zip"},bt=t=>t.type||mt[(t.name.split(".").pop()||"").toLowerCase()]||"application/octet-stream";function ft({courseId:t,item:o,onDone:r}){let[u,s]=h(null),[i,l]=h("idle"),[p,$]=h(0),[m,f]=h(""),[c,d]=h(null),y=`/v1/courses/${k(t)}/items/${k(o.id)}/uploads`,w=async E=>{if(E.preventDefault(),!!u){d(null),f(""),$(0),l("sending");try{let n=await it(u),b=await P(y,{content_type:bt(u),size:u.size,file_name:u.name,...n&&{sha256:n}});await nt(u,b,{onProgress:(g,T)=>{$(Math.floor(g/T*100)),l("sending")},onResuming:()=>l("resuming")}),$(100),l("checking");for(let g=500;;g=Math.min(g*1.5,3e3)){let T=await A(y+"/"+k(b.id));if(T.status==="ready"){l("ready");break}if(T.status==="rejected"){f(T.reason||""),l("rejected");break}await new Promise(lt=>setTimeout(lt,g))}r&&r()}catch(n){d(n),l("failed")}}},I=i==="sending"||i==="resuming"||i==="checking";return a`<section class="uploader" aria-labelledby="media-h">
    <h2 id="media-h">${e("tutor.media")}</h2>
    <p><span class=${"badge content-"+(o.content_status||"none")}>${e("tutor.content."+(o.content_status||"none"))}</span></p>
    <form onSubmit=${w}>
      <div class="field">
        <label for="up-file">${e("tutor.chooseFile")}</label>
        <input id="up-file" type="file" accept=${o.kind==="video"?"video/*":void 0} disabled=${I}
          onChange=${E=>s(E.currentTarget.files[0]||null)} />
      </div>
      <button type="submit" disabled=${!u||I}>${e("tutor.upload")}</button>
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
    ${i==="failed"&&a`<${C} error=${c&&c.code?c:null} message=${c&&!c.code?e("tutor.uploadFailed",{reason:c.message}):""} />`}
  </section>`}export{Mt as TutorCourse,St as TutorHome,_t as TutorItem,It as TutorNew};
