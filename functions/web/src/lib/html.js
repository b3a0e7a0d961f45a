// html is htm bound to Preact: tagged templates that build virtual DOM
// nodes. Text and attribute values are always set as text or properties,
// never parsed as HTML, so API data cannot inject markup.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
