import{b as m,l as p}from"./chunk-VN75DZ5U.js";import{D as d,F as y,b as c,c as u,f as r,q as t,u as i,z as $}from"./chunk-N376T5NL.js";function x(){let[o,a]=c({courses:[],next:"",loading:!0,error:null}),l=async e=>{a(s=>({...s,loading:!0,error:null}));try{let s=await p("/v1/me/courses?limit=20"+(e?"&cursor="+encodeURIComponent(e):""));a(n=>({courses:e?[...n.courses,...s.courses]:s.courses,next:s.next_cursor||"",loading:!1,error:null}))}catch(s){a(n=>({...n,loading:!1,error:s}))}};return u(()=>{l("")},[]),r`
    <${d} text=${t("my.title")} />
    ${!o.loading&&!o.error&&o.courses.length===0&&r`<p>${t("my.empty")} <a href="#/">${t("nav.catalog")}</a></p>`}
    ${o.courses.length>0&&r`<ul class="my-courses">
      ${o.courses.map(e=>r`<li class="card" key=${e.course_id}>
        <h2><a href=${m(["courses",e.course_id])}>${e.title}</a></h2>
        <div class="progress">
          <label for=${"my-"+e.course_id}>${t("my.done",{done:e.items_completed,total:e.items_total,percent:e.percent})}</label>
          <progress id=${"my-"+e.course_id} max="100" value=${e.percent}>${e.percent}%</progress>
        </div>
        ${e.completed&&r`<p class="done">${t("my.completed",{date:i(e.completed_at)})}</p>`}
        ${e.last_activity_at&&r`<p class="meta">${t("my.lastActivity",{date:i(e.last_activity_at)})}</p>`}
        ${!e.can_report&&r`<p class="note">${t("my.ended")}</p>`}
        <p><a class="button" href=${m(["courses",e.course_id])} aria-label=${t("my.continueTitle",{title:e.title})}>${t("my.continue")}</a></p>
      </li>`)}
    </ul>`}
    ${o.loading&&r`<${y} />`}
    <${$} error=${o.error} />
    ${o.error&&r`<button type="button" onClick=${()=>l("")}>${t("common.retry")}</button>`}
    ${o.next&&!o.loading&&r`<button type="button" class="secondary" onClick=${()=>l(o.next)}>${t("catalog.loadMore")}</button>`}
  `}export{x as MyCourses};
