// The desktop renderer is the web renderer: it finds `window.jackbay` from the preload.
import { mount } from '@jackbay/ui';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
mount(root);
