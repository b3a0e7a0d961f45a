import{D as d,H as v,J as x,L as E,Q as b,b as c,c as m,d as g,e as a,n as r,s as h,w as y}from"./chunk-TAW53CQ5.js";function A({courseId:t,itemId:i}){let[e,f]=c(null),[l,$]=c(null),[o,n]=c(0);m(()=>{let p=!0;return E(`/v1/courses/${b(t)}/items/${b(i)}/content`).then(u=>p&&(f(u),$(null))).catch(u=>p&&$(u)),()=>{p=!1}},[t,i,o]);let s=a`<p><a href=${y(["courses",t])}>${r("learn.back")}</a></p>`;return l?a`${s}<${v} text=${r("error."+l.code)} /><${d} error=${l} />`:e?a`${s}
    <article class="learn">
      <${v} text=${e.title} />
      ${e.kind==="text"&&a`<div class="prose">${e.body}</div>`}
      ${e.kind==="video"&&a`<${k} content=${e} onExpired=${()=>n(p=>p+1)} />`}
      ${e.kind==="file"&&a`<p><a class="button" href=${e.url} download=${e.file_name}>${r("learn.download",{name:e.file_name||e.title})}</a></p>
        <p class="hint">${r("learn.expires",{time:h(e.expires_at)})}</p>`}
    </article>`:a`${s}<${x} />`}var _=t=>/mpegurl/i.test(t.content_type||"")||/\.m3u8(\?|$)/.test(t.url||"");function k({content:t,onExpired:i}){let e=g(),[f,l]=c(!1);m(()=>{let o=e.current,n=null;return l(!1),_(t)&&!o.canPlayType("application/vnd.apple.mpegurl")?import("./chunk-6U4GZPHK.js").then(s=>n=s.attach(o,t.url)).catch(()=>l(!0)):o.src=t.url,()=>{n&&n(),o.removeAttribute("src"),o.load()}},[t.url]);let $=()=>{t.expires_at&&Date.parse(t.expires_at)<Date.now()&&i?i():l(!0)};return a`<figure class="player">
    <video ref=${e} controls preload="metadata" playsinline aria-label=${r("learn.player")} onError=${$} data-testid="video"></video>
    <figcaption>
      <div class="player-controls">
        <label>${r("learn.quality")} <select disabled><option>${r("learn.quality.auto")}</option></select></label>
        <label>${r("learn.captions")} <select disabled><option>${r("learn.captions.off")}</option></select></label>
      </div>
      <p class="hint">${r("learn.streamingSoon")}</p>
    </figcaption>
    ${f&&a`<${d} message=${r("learn.mediaError")} />`}
  </figure>`}export{A as Learn,k as Player};
