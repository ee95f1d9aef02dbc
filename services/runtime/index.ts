export { createContext, type ContextInputs, type ContextNeeds, type RuntimeContext } from './context.js'
export { startServices, type Runtime, type ServiceName, type ServiceSelection } from './services.js'
