/** The models of every feature, and the vocabulary they are written in. */
export * from '../../vocabulary';
export * from './workspaces';
export * from './numbers';
export * from './audit';
export * from './inbox';
export * from './requests';
