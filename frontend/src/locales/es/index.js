// One language's messages, by area of the interface; vite makes this one chunk, fetched on demand.
import common from './common.json'
import manage from './manage.json'
import room from './room.json'
import voice from './voice.json'

export default { common, room, manage, voice }
