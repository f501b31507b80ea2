import { mount } from './index';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
mount(root);
